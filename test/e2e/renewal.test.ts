import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { portRefuses } from '../support/ports.ts';
import { spawnInPty } from '../support/pty.ts';
import { CLI, createSandbox, ROLE_B, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';
import { writeLauncher } from '../support/shim-world.ts';

/**
 * Issue 13: no run dies of ExpiredToken while the MFA session lives. Real time, short lives: roles of 900 s
 * (STS's minimum) with TFMFA_MIN_TTL just under it, so that the served role is renewed every PERIOD seconds;
 * children call STS in a loop through the JS SDK's default chain and through the Debian AWS CLI.
 *
 * Long tests (about RUN_SECONDS each, four of them): RENEWAL_RUN_SECONDS shortens them.
 */
const AWS_CLI = '/usr/bin/aws';
const PERIOD = 6;
const RUN_SECONDS = Number(process.env.RENEWAL_RUN_SECONDS ?? 28);
const SHORT = `[profile short]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
duration_seconds = 900
region = us-west-2
`;

/**
 * The child: STS GetCallerIdentity in a loop for `seconds`, alternately through a new JS SDK v3 client (default
 * chain, or the named profile as a provider block would) and through the AWS CLI; prints RESULT {calls, errors}.
 */
const LOOP = String.raw`
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const { fromIni } = require('@aws-sdk/credential-providers');
const [endpoint, seconds, profile, cliEvery] = process.argv.slice(2);
const every = Number(cliEvery || 1);
let round = 0;
const end = Date.now() + Number(seconds) * 1000;
const errors = [];
let calls = 0;
const cli = () => new Promise((resolve) => {
  const args = ['sts', 'get-caller-identity', '--endpoint-url', endpoint, '--output', 'json',
    ...(profile ? ['--profile', profile] : [])];
  execFile(${JSON.stringify(AWS_CLI)}, args, (error, stdout, stderr) => {
    if (error) errors.push('aws: ' + String(stderr).trim());
    else calls++;
    resolve();
  });
});
while (Date.now() < end) {
  try {
    const client = new STSClient({
      endpoint,
      region: 'us-west-2',
      ...(profile ? { credentials: fromIni({ profile }) } : {}),
    });
    await client.send(new GetCallerIdentityCommand({}));
    client.destroy();
    calls++;
  } catch (error) {
    errors.push('sdk: ' + error.name + ': ' + error.message);
  }
  if (++round % every === 0 || Date.now() >= end) await cli();
  else await new Promise((resolve) => setTimeout(resolve, 300));
}
process.stdout.write('RESULT ' + JSON.stringify({ calls, errors }) + '\n');
`;

interface LoopResult {
  calls: number;
  errors: string[];
}

function results(stdout: string): LoopResult[] {
  return [...stdout.matchAll(/^RESULT (.*)$/gm)].map((m) => JSON.parse(m[1] as string) as LoopResult);
}

describe('renewing credentials for long runs (issue 13)', { skip: !existsSync(AWS_CLI) && 'no /usr/bin/aws' }, () => {
  let box: Sandbox;
  let bin: string;
  let shims: string;
  let loopScript: string;
  /** Seconds the emulator's clock is ahead of ours: issued expirations are that much later. */
  let offset = 0;
  const freshCode = () => {
    box.emu.advance(30);
    offset += 30;
    return box.emu.currentCode(SERIAL);
  };
  /** The default (server mode for long runs), with renewals every PERIOD seconds. */
  const env = (extra: Record<string, string> = {}): Record<string, string> => {
    const { TFMFA_LONG_RUN: _pinned, ...rest } = box.env;
    return { ...rest, PATH: `${shims}:${bin}:${box.env.PATH}`, TFMFA_MIN_TTL: String(900 + offset - PERIOD), ...extra };
  };
  /** Distinct role credentials the children used (from the emulator's log), and every call's outcome. */
  const identities = () => box.emu.calls().filter((c) => c.action === 'GetCallerIdentity');
  const checkRenewals = (label: string) => {
    const used = new Set(identities().map((c) => c.accessKeyId));
    const failed = box.emu.calls().filter((c) => !c.ok);
    assert.deepEqual(
      failed.map((c) => `${c.action} ${c.errorCode}`),
      [],
      `${label}: no STS call failed`,
    );
    assert.ok(used.size >= 4, `${label}: at least four different role credentials, got ${used.size}`);
    const assumed = box.emu.count('AssumeRole');
    // One AssumeRole per renewal: every role issued was used, except possibly the last (renewed as the run ended).
    assert.ok(assumed <= used.size + 1, `${label}: ${assumed} AssumeRole for ${used.size} credentials used`);
    assert.equal(box.emu.count('GetSessionToken'), 0, `${label}: renewed from the cached MFA session`);
    return { used: used.size, assumed };
  };

  before(async () => {
    box = await createSandbox({ extraConfig: SHORT });
    bin = join(box.dir, 'bin');
    shims = join(box.dir, 'shims');
    mkdirSync(bin, { recursive: true });
    mkdirSync(shims, { recursive: true });
    for (const tool of ['terraform', 'terragrunt']) writeLauncher(join(shims, tool), CLI);
    loopScript = join(box.dir, 'loop.mjs');
    writeFileSync(loopScript, LOOP);
    // The MFA session, cached (the code is the current one: the emulator's clock stays where it is).
    const primed = await box.tfmfa(['exec', 'short', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
    assert.equal(primed.exitCode, 0, String(primed.stderr));
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  const loopTool = (name: string) =>
    createFakeTool(bin, name, {
      runScript: String.raw`
        const { spawnSync } = await import('node:child_process');
        const r = spawnSync(
          process.execPath,
          [
            ${JSON.stringify(loopScript)},
            process.env.LOOP_ENDPOINT,
            process.env.LOOP_SECONDS,
            process.env.LOOP_PROFILE ?? '',
            process.env.LOOP_CLI_EVERY ?? '',
          ],
          { stdio: 'inherit' },
        );
        process.exitCode = r.status ?? 1;
      `,
    });

  test(
    `a shim-launched 'terraform apply' gets the server and keeps working across renewals (long: ` + `~${RUN_SECONDS}s)`,
    async () => {
      const terraform = loopTool('terraform');
      const run = await runShim(
        join(shims, 'terraform'),
        ['apply', '-auto-approve'],
        env({ AWS_PROFILE: 'short', TFMFA_DEBUG: '1', LOOP_ENDPOINT: box.emu.url, LOOP_SECONDS: String(RUN_SECONDS) }),
      );
      assert.equal(run.code, 0, run.stderr);
      const [loop] = results(run.stdout);
      assert.ok(loop && loop.calls > 0, run.stdout);
      assert.deepEqual(loop.errors, []);
      const record = readRecords(terraform.recordsFile).at(-1)!;
      assert.deepEqual(record.argv, ['apply', '-auto-approve']);
      assert.equal(record.ppid, run.pid, 'tfmfa stays the parent');
      assert.match(record.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '', /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
      assert.equal(record.env.AWS_ACCESS_KEY_ID, undefined, 'no static keys');
      assert.equal(record.env.TFMFA_PROFILE, 'short');
      assert.ok(record.env.AWS_CONFIG_FILE?.includes('overlay'), 'the overlay comes along');
      assert.match(run.stderr, /'terraform apply' is a long run .*: server mode for profile 'short'/);
      const counts = checkRenewals('shim');
      assert.doesNotMatch(run.stderr, /Enter MFA code/);
      process.stderr.write(
        `# shim: ${counts.used} credentials used, ${counts.assumed} AssumeRole, ${loop.calls} calls\n`,
      );
      const port = Number(new URL(record.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!).port);
      assert.ok(await portRefuses(port), 'the server closed with the child');
    },
  );

  test(`exec PROFILE -- terraform apply: server mode by default (long: ~${RUN_SECONDS}s)`, async () => {
    const terraform = loopTool('terraform');
    const result = await box.tfmfa(['exec', 'short', '--', join(bin, 'terraform'), 'apply'], {
      env: env({ TFMFA_DEBUG: '1', LOOP_ENDPOINT: box.emu.url, LOOP_SECONDS: String(RUN_SECONDS) }),
    });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const [loop] = results(String(result.stdout));
    assert.deepEqual(loop?.errors, []);
    assert.match(String(result.stderr), /server mode: 'terraform apply' is a long run/);
    assert.ok(readRecords(terraform.recordsFile).at(-1)!.env.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    const counts = checkRenewals('exec');
    process.stderr.write(
      `# exec: ${counts.used} credentials used, ${counts.assumed} AssumeRole, ${loop?.calls} calls\n`,
    );
  });

  test(
    `a terragrunt stand-in running 10 terraform children in parallel: one server, children pass ` +
      `through (long: ~${RUN_SECONDS}s)`,
    async () => {
      const terraform = loopTool('terraform');
      const terragrunt = createFakeTool(bin, 'terragrunt', {
        runScript: String.raw`
        const { spawn } = await import('node:child_process');
        const runs = Array.from({ length: 10 }, () => new Promise((resolve) => {
          const child = spawn('terraform', ['apply', '-auto-approve'], { stdio: 'inherit' });
          child.on('exit', (code) => resolve(code));
        }));
        const codes = await Promise.all(runs);
        process.exitCode = codes.every((c) => c === 0) ? 0 : 1;
      `,
      });
      // Ten children on a shared two-core machine: the AWS CLI (seconds a call) at the end only.
      const run = await runShim(
        join(shims, 'terragrunt'),
        ['run', '--all', 'apply'],
        env({
          AWS_PROFILE: 'short',
          LOOP_ENDPOINT: box.emu.url,
          LOOP_SECONDS: String(RUN_SECONDS + 8),
          LOOP_CLI_EVERY: '1000000',
        }),
      );
      assert.equal(run.code, 0, run.stderr);
      const loops = results(run.stdout);
      assert.equal(loops.length, 10);
      assert.deepEqual(
        loops.flatMap((l) => l.errors),
        [],
      );
      const parent = readRecords(terragrunt.recordsFile).at(-1)!;
      const children = readRecords(terraform.recordsFile).slice(-10);
      const url = parent.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      assert.ok(url);
      for (const child of children) {
        assert.equal(child.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, url, 'the one server');
        assert.equal(child.ppid, parent.pid, 'the launcher passed through (no tfmfa between terragrunt and terraform)');
      }
      const counts = checkRenewals('terragrunt');
      process.stderr.write(
        `# terragrunt x10: ${counts.used} credentials used, ${counts.assumed} ` +
          `AssumeRole, ${loops.reduce((n, l) => n + l.calls, 0)} calls\n`,
      );
    },
  );

  test(`a provider-style hard-coded profile through the overlay (long: ~${RUN_SECONDS}s)`, async () => {
    loopTool('terraform');
    const run = await runShim(
      join(shims, 'terraform'),
      ['apply'],
      env({
        AWS_PROFILE: 'short',
        LOOP_ENDPOINT: box.emu.url,
        LOOP_SECONDS: String(RUN_SECONDS),
        LOOP_PROFILE: 'short',
      }),
    );
    assert.equal(run.code, 0, run.stderr);
    const [loop] = results(run.stdout);
    assert.deepEqual(loop?.errors, []);
    const counts = checkRenewals('overlay');
    process.stderr.write(
      `# overlay: ${counts.used} credentials used, ${counts.assumed} AssumeRole, ${loop?.calls} calls\n`,
    );
  });

  test(
    'the shim mirrors exit codes and death by signal in server mode; --no-server and ' +
      'TFMFA_LONG_RUN=0 give static keys',
    async () => {
      const terraform = createFakeTool(bin, 'terraform');
      const failed = await runShim(
        join(shims, 'terraform'),
        ['plan'],
        env({ AWS_PROFILE: 'short', FAKE_TOOL_EXIT: '3' }),
      );
      assert.equal(failed.code, 3, failed.stderr);
      const killed = await runShim(
        join(shims, 'terraform'),
        ['plan'],
        env({ AWS_PROFILE: 'short', FAKE_TOOL_SIGNAL: 'SIGTERM' }),
      );
      assert.equal(killed.signal, 'SIGTERM');
      assert.ok(readRecords(terraform.recordsFile).at(-1)!.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);

      const off = await runShim(join(shims, 'terraform'), ['plan'], env({ AWS_PROFILE: 'short', TFMFA_LONG_RUN: '0' }));
      assert.equal(off.code, 0, off.stderr);
      const staticRecord = readRecords(terraform.recordsFile).at(-1)!;
      assert.ok(staticRecord.env.AWS_ACCESS_KEY_ID && !staticRecord.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
      assert.equal(staticRecord.pid, off.pid, 'static keys: the launcher execs the tool (same process)');

      const noServer = await box.tfmfa(['exec', '--no-server', 'short', '--', join(bin, 'terraform'), 'apply'], {
        env: env(),
      });
      assert.equal(noServer.exitCode, 0, String(noServer.stderr));
      assert.ok(readRecords(terraform.recordsFile).at(-1)!.env.AWS_ACCESS_KEY_ID);
      const both = await box.tfmfa(['exec', '--server', '--no-server', 'short', '--', '/bin/true'], { env: env() });
      assert.equal(both.exitCode, 2);
      assert.match(String(both.stderr), /^tfmfa: exec: --server and --no-server contradict each other/);

      const override = await runShim(
        join(shims, 'terraform'),
        ['output'],
        env({ AWS_PROFILE: 'short', TFMFA_LONG_RUN: 'terraform:output' }),
      );
      assert.equal(override.code, 0, override.stderr);
      assert.ok(
        readRecords(terraform.recordsFile).at(-1)!.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
        'TFMFA_LONG_RUN adds a command',
      );
    },
  );

  test(
    'static keys leave with at least 15 minutes: a cached role with 14 left is re-assumed first, ' +
      'without a prompt; the ticket says so too',
    async () => {
      const terraform = createFakeTool(bin, 'terraform');
      const baseEnv = { ...box.env, PATH: `${bin}:${box.env.PATH}` };
      const first = await box.tfmfa(['exec', 'GEHC-056', '--', join(bin, 'terraform'), 'output'], { env: baseEnv });
      assert.equal(first.exitCode, 0, String(first.stderr));
      // The cached role, aged: issued 46 minutes ago for an hour, so 14 minutes are left.
      const sessions = join(box.cacheDir, 'sessions');
      let aged = 0;
      for (const name of readdirSync(sessions)) {
        const path = join(sessions, name);
        const entry = JSON.parse(readFileSync(path, 'utf8')) as {
          kind: string;
          label: string;
          expiration: string;
          createdAt: string;
        };
        if (entry.kind !== 'role' || !entry.label.includes('hc-master')) continue;
        entry.expiration = new Date(Date.now() + 14 * 60_000).toISOString();
        entry.createdAt = new Date(Date.now() - 46 * 60_000).toISOString();
        writeFileSync(path, JSON.stringify(entry), { mode: 0o600 });
        aged++;
      }
      assert.equal(aged, 1);
      box.emu.resetCounts();
      const second = await box.tfmfa(['exec', 'GEHC-056', '--', join(bin, 'terraform'), 'output'], { env: baseEnv });
      assert.equal(second.exitCode, 0, String(second.stderr));
      assert.equal(box.emu.count('AssumeRole'), 1, 're-assumed');
      assert.equal(box.emu.count('GetSessionToken'), 0, 'from the cached MFA session');
      const expiration = Date.parse(readRecords(terraform.recordsFile).at(-1)!.env.AWS_CREDENTIAL_EXPIRATION ?? '');
      assert.ok(expiration > Date.now() + 15 * 60_000, 'at least 15 minutes left');
      // The ticket's own deadline (the .deadline stamp beside it is the launcher's trust stamp, at most a minute
      // ahead).
      const deadline =
        Number(/^deadline (\d+)$/m.exec(readFileSync(join(box.cacheDir, 'tickets', 'GEHC-056.ticket'), 'utf8'))?.[1]) *
        1000;
      assert.ok(
        Math.abs(deadline - (expiration - 15 * 60_000)) < 2000,
        'the ticket ends 15 minutes before the keys do',
      );
      assert.ok(
        statSync(join(box.cacheDir, 'tickets', 'GEHC-056.deadline')).mtimeMs <= deadline,
        'the launcher trusts it no longer than that',
      );
    },
  );

  test('a SIGKILL of tfmfa takes the credentials endpoint with it', async () => {
    createFakeTool(bin, 'terraform', {
      runScript: String.raw`
        process.stdout.write('PORT ' + new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI).port + '\n');
        await new Promise((resolve) => setTimeout(resolve, 20000));
      `,
    });
    const child = spawn(join(shims, 'terraform'), ['apply'], {
      env: env({ AWS_PROFILE: 'short' }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /PORT (\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        child.once('exit', () => reject(new Error(`exited before PORT: ${out}`)));
      });
      assert.equal(await portRefuses(port), false, 'the endpoint is up while tfmfa lives');
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // The command holds the listening socket too (so that no other user can take the port,
      // docs/security-long-runs.md)
      // and dies by its parent-death signal right after tfmfa: the endpoint goes with it, within moments.
      let refused = false;
      for (let i = 0; i < 50 && !refused; i++) {
        refused = await portRefuses(port);
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(refused, 'the endpoint died with tfmfa');
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
  });

  test('MFA session shorter than the notice threshold, no terminal: one warning, the run starts', async () => {
    const terraform = createFakeTool(bin, 'terraform');
    const run = await runShim(
      join(shims, 'terraform'),
      ['apply'],
      env({ AWS_PROFILE: 'short', TFMFA_SESSION_NOTICE: '9h' }),
    );
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(
      lines[0] ?? '',
      new RegExp(
        String.raw`^tfmfa: warning: the MFA session for profile 'short' ends in 7 h 5\d min and there is no ` +
          String.raw`terminal to ask for a code`,
      ),
    );
    assert.ok(readRecords(terraform.recordsFile).at(-1)!.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    assert.equal(box.emu.count('GetSessionToken'), 0);
  });

  for (const answer of ['code', 'Enter', 'a typo, then a code'] as const) {
    test(
      `MFA session shorter than the notice threshold, in a terminal: one question before the ` +
        `command starts (${answer})`,
      async () => {
        box.emu.resetCounts();
        const terraform = createFakeTool(bin, 'terraform', { runScript: `process.stdout.write('CHILD STARTED\\n');` });
        const pty = spawnInPty(join(shims, 'terraform'), ['apply'], {
          env: env({ AWS_PROFILE: 'short', TFMFA_SESSION_NOTICE: '9h' }),
        });
        let status;
        try {
          await pty.waitFor(
            /the MFA session ends in \d+ h(?: \d+ min)?: enter a code to renew it now, or press Enter to continue: /,
          );
          assert.doesNotMatch(pty.output(), /CHILD STARTED/, 'the question comes before the command');
          if (answer === 'a typo, then a code') {
            pty.write('12345\r');
            await pty.waitFor('The code is 6 digits (spaces are ignored); Enter alone keeps the current session');
            assert.doesNotMatch(pty.output(), /CHILD STARTED/, 'a typo is asked again, not taken for Enter');
          }
          pty.write(answer === 'Enter' ? '\r' : `${freshCode().replace(/^(\d{3})/, '$1 ')}\r`);
          status = await pty.exited;
        } finally {
          pty.kill();
        }
        assert.equal(status.code, 0, pty.output());
        assert.match(pty.output(), /CHILD STARTED/);
        assert.equal(
          box.emu.count('GetSessionToken'),
          answer === 'Enter' ? 0 : 1,
          answer === 'Enter' ? 'Enter keeps the current session' : 'the MFA session was renewed up front',
        );
        assert.ok(readRecords(terraform.recordsFile).at(-1)!.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
        if (answer !== 'Enter') {
          // Renewed: the same run again does not ask.
          const again = await runShim(
            join(shims, 'terraform'),
            ['apply'],
            env({ AWS_PROFILE: 'short', TFMFA_SESSION_NOTICE: '7h' }),
          );
          assert.equal(again.code, 0, again.stderr);
          assert.equal(again.stderr, '');
        }
      },
    );
  }
});

/** Runs a shim (no terminal: a session of its own), collecting output, its pid and how it ended. */
function runShim(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid }));
  });
}
