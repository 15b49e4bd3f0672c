// Hostile and bad input: malformed INI, odd profile names, a credential_process printing garbage, cycles and deep
// chains, malformed values, shims named like paths, strange PATHs, newlines in the environment.
// Each failure: exactly one stderr line starting `tfmfa: ` that names the problem, a non-zero exit, and nothing
// half-written in the cache (no temp files, every entry parses).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { loadAwsFiles } from '../../src/config/load.ts';
import { resolveChain } from '../../src/config/resolve.ts';
import { UserError } from '../../src/errors.ts';
import { writeAwsFiles } from '../support/aws-files.ts';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import {
  CLI,
  createSandbox,
  NODE_DIR,
  ROLE_B,
  ROOT,
  SERIAL,
  type Sandbox,
  type TfmfaResult,
} from '../support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';
const NO_MFA_ROLE = 'arn:aws:iam::111111111111:role/no-mfa';
const HOPS = [1, 2, 3, 4, 5].map((i) => `arn:aws:iam::${100000000000 + i}:role/hop-${i}`);

let counter = 0;

function failsInOneLine(result: TfmfaResult, pattern: RegExp): string {
  assert.ok(!result.timedOut, `timed out; stderr: ${JSON.stringify(result.stderr)}`);
  assert.notEqual(
    result.exitCode,
    0,
    `expected a failure; stdout ${JSON.stringify(result.stdout)} stderr ${JSON.stringify(result.stderr)}`,
  );
  const stderr = String(result.stderr).replace(/\n$/, '');
  assert.ok(stderr !== '' && !stderr.includes('\n'), `exactly one line on stderr: ${JSON.stringify(result.stderr)}`);
  assert.match(stderr, /^tfmfa: /);
  assert.match(stderr, pattern);
  return stderr;
}

/** No temp file anywhere under the cache directory, every session entry parses, every ticket is complete. */
function nothingHalfWritten(cacheDir: string): { sessions: number } {
  let sessions = 0;
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      assert.doesNotMatch(name, /\.tmp$|\.\d+\.[0-9a-f]+$/, `temp file left behind: ${path}`);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        if (!name.endsWith('.lock')) walk(path);
        continue;
      }
      if (dir.endsWith('sessions')) {
        assert.ok(name.endsWith('.json'), `stray file in sessions: ${name}`);
        JSON.parse(readFileSync(path, 'utf8'));
        sessions++;
      }
      if (name.endsWith('.ticket')) {
        const text = readFileSync(path, 'utf8');
        assert.ok(text.startsWith('tfmfa-ticket 2\n') && text.endsWith('\nend\n'), `complete ticket: ${path}`);
      }
    }
  };
  walk(cacheDir);
  return { sessions };
}

describe('hostile and bad input', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  let realDir: string;
  let shimDir: string;

  /** Runs tfmfa with a cache of its own; returns the result and that cache directory. */
  async function tfmfa(
    args: string[],
    extraEnv: Record<string, string> = {},
    options: Record<string, unknown> = {},
  ): Promise<TfmfaResult & { cacheDir: string }> {
    const cacheDir = join(box.dir, `cache-${++counter}`);
    box.emu.advance(30);
    const result = await box.tfmfa(args, {
      env: { ...box.env, TFMFA_CACHE_DIR: cacheDir, ...extraEnv },
      detached: true,
      timeout: 30_000,
      ...options,
    });
    return Object.assign(result, { cacheDir });
  }

  /** A config error: one line, exit 2, no STS call, nothing at all in the cache. */
  async function configError(args: string[], pattern: RegExp, extraEnv: Record<string, string> = {}): Promise<string> {
    box.emu.resetCounts();
    const result = await tfmfa(args, extraEnv);
    const line = failsInOneLine(result, pattern);
    assert.equal(result.exitCode, 2, `a configuration problem exits 2: ${line}`);
    assert.equal(box.emu.count(), 0, 'no STS call for a configuration problem');
    assert.equal(nothingHalfWritten(result.cacheDir).sessions, 0);
    return line;
  }

  /** Runs the terraform shim (a symlink to dist/cli.js) with this PATH, from `cwd`. */
  const shimRun = (path: string, cwd: string, extra: Record<string, string> = {}, file = join(shimDir, 'terraform')) =>
    execa(file, ['plan', '-out=x'], {
      cwd,
      env: { ...box.env, AWS_PROFILE: 'viaproc', PATH: path, ...extra },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      detached: true,
      timeout: 30_000,
    });

  before(async () => {
    box = await createSandbox();
    box.emu.addRole({ arn: NO_MFA_ROLE });
    for (const arn of HOPS) box.emu.addRole({ arn, requireMfa: true });
    const mfa = `mfa_serial = ${SERIAL}\nmfa_process = ${box.mfaProcess}`;
    box.writeConfig(`[profile viaproc]
source_profile = GEHC-000
role_arn = ${ROLE_B}
${mfa}
[profile unknown-keys]
source_profile = GEHC-000
role_arn = ${ROLE_B}
${mfa}
frobnicate = yes
cli_pager =
output = yaml-stream
s3 =
  max_concurrent_requests = 20
[profile misspelt]
source_profile = GEHC-000
role_ar = ${ROLE_B}
${mfa}
[profile no-equals]
source_profile = GEHC-000
role_arn ${ROLE_B}
${mfa}
[profile my prod]
source_profile = GEHC-000
role_arn = ${ROLE_B}
${mfa}
[profile dev@corp+1.x]
source_profile = GEHC-000
role_arn = ${ROLE_B}
${mfa}
[profile via-unicode]
source_profile = prød-ü
role_arn = ${ROLE_B}
${mfa}
[profile badjson]
credential_process = /bin/echo not-json
[profile badjson-role]
source_profile = badjson
role_arn = ${NO_MFA_ROLE}
[profile v2json]
credential_process = /bin/echo '{"Version":2,"AccessKeyId":"AKIAX","SecretAccessKey":"s"}'
[profile cp-fails]
credential_process = /bin/sh -c 'echo line one >&2; echo line two >&2; exit 4'
[profile cyc-a]
source_profile = cyc-b
role_arn = ${NO_MFA_ROLE}
[profile cyc-b]
source_profile = cyc-a
role_arn = ${NO_MFA_ROLE}
[profile self-cycle]
source_profile = self-cycle
role_arn = ${NO_MFA_ROLE}
[profile bad-serial-words]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = my phone
[profile bad-serial-arn]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = arn:aws:iam::2222:mfa/username
[profile bad-serial-user-arn]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = arn:aws:iam::222222222222:user/username
[profile bad-role-arn]
source_profile = GEHC-000
role_arn = arn:aws:iam::111111111111:user/not-a-role
${mfa}
${['100', '50000', '1h', '-5', '3600.5', '']
  .map(
    (d, i) => `[profile duration-${i}]
source_profile = GEHC-000
role_arn = ${ROLE_B}
${mfa}
duration_seconds = ${d === '' ? '0x10' : d}
`,
  )
  .join('')}
${HOPS.map(
  (arn, i) => `[profile hop-${i + 1}]
source_profile = ${i === 0 ? 'GEHC-000' : `hop-${i}`}
role_arn = ${arn}
${i === 0 ? mfa : ''}
`,
).join('')}`);
    writeFileSync(
      box.env.AWS_SHARED_CREDENTIALS_FILE as string,
      `${readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8')}[prød-ü]
aws_access_key_id = ${box.user.accessKeyId}
aws_secret_access_key = ${box.user.secretAccessKey}
`,
    );
    realDir = join(box.dir, 'real');
    shimDir = join(box.dir, 'shim');
    tool = createFakeTool(realDir, 'terraform');
    mkdirSync(shimDir);
    symlinkSync(CLI, join(shimDir, 'terraform'));
  });
  after(() => box.cleanup());

  describe('malformed INI', () => {
    test(
      'an invalid section name ([profile __proto__]) makes the SDK drop the whole file: one line ' +
        'naming the file and the problem',
      async () => {
        const config = join(box.dir, 'proto.config');
        writeFileSync(
          config,
          `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}\n[profile __proto__]\nregion = x\n`,
        );
        const line = await configError(['credential-process', 'viaproc'], /./, { AWS_CONFIG_FILE: config });
        assert.ok(line.includes(config), `names the config file: ${line}`);
        assert.match(line, /__proto__|parse|invalid/i, `names the problem, not just 'profile not found': ${line}`);
      },
    );

    test(
      'an unclosed section header: the profile is not found, and the hint does not claim that no ' + 'profiles exist',
      async () => {
        const config = join(box.dir, 'unclosed.config');
        writeFileSync(
          config,
          `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}\n[profile broken\nregion = x\n`,
        );
        const line = await configError(['credential-process', 'broken'], /profile 'broken' not found/, {
          AWS_CONFIG_FILE: config,
        });
        assert.doesNotMatch(line, /no profiles are defined/, `there are profiles: ${line}`);
      },
    );

    test('AWS_CONFIG_FILE is a directory: one line saying so', async () => {
      const dir = join(box.dir, 'config-dir');
      mkdirSync(dir, { recursive: true });
      const line = await configError(['credential-process', 'viaproc'], /./, { AWS_CONFIG_FILE: dir });
      assert.match(line, /director|EISDIR/i, `names the problem: ${line}`);
    });

    test('binary garbage as the config file: one line naming the profile and the file', async () => {
      const config = join(box.dir, 'binary.config');
      writeFileSync(config, Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x5b, 0x5d, 10, 0xc3, 0x28, 10]));
      const line = await configError(['credential-process', 'viaproc'], /profile 'viaproc' not found/, {
        AWS_CONFIG_FILE: config,
      });
      assert.ok(line.includes(config));
    });

    test('a key line without "=" is not a key: the profile has no role, reported in one line', async () => {
      await configError(['credential-process', 'no-equals'], /profile 'no-equals' has no credentials and no role_arn/);
    });

    test(
      'unknown keys (frobnicate, cli_pager, sub-settings) are ignored as the SDKs ignore them: ' + 'the profile works',
      async () => {
        const result = await tfmfa(['credential-process', 'unknown-keys']);
        assert.equal(result.exitCode, 0, result.stderr);
        assert.equal(result.stderr, '');
        JSON.parse(String(result.stdout));
        nothingHalfWritten(result.cacheDir);
      },
    );

    test('a misspelt key (role_ar): one line saying the profile has no credentials and what to add', async () => {
      await configError(
        ['credential-process', 'misspelt'],
        /profile 'misspelt' has no credentials and no role_arn: add /,
      );
    });
  });

  describe('profile names', () => {
    test(
      'a name with a space (which the SDK parser cannot read in ~/.aws/config): one line, and no ' +
        'false "no profiles are defined"',
      async () => {
        const line = await configError(['exec', 'my prod', '--', tool.path], /profile 'my prod' not found/);
        assert.doesNotMatch(line, /no profiles are defined/, `profiles are defined: ${line}`);
      },
    );

    test(
      'a unicode name as a source profile (credentials file) and @+. names work end to end, also through the overlay',
      { skip: !existsSync(AWS_CLI) && 'the AWS CLI is not installed' },
      async () => {
        for (const profile of ['via-unicode', 'dev@corp+1.x']) {
          const script =
            `${AWS_CLI} sts get-caller-identity --profile "$P" --endpoint-url ` +
            `"$AWS_ENDPOINT_URL_STS" --region us-east-1 --output text --query Arn`;
          const result = await tfmfa(['exec', profile, '--', '/bin/sh', '-c', script], { P: profile });
          assert.equal(result.exitCode, 0, `${profile}: ${result.stderr} ${result.stdout}`);
          assert.match(String(result.stdout), /assumed-role\/team-b\//);
          nothingHalfWritten(result.cacheDir);
        }
      },
    );

    test('a misspelt unicode name: one line suggesting the closest name', async () => {
      await configError(['credential-process', 'prød'], /profile 'prød' not found: did you mean 'prød-ü'/);
    });

    test('a name with a newline: one line (the newline does not split the message)', async () => {
      await configError(['exec', 'viaproc\nevil', '--', tool.path], /profile 'viaproc evil' not found/);
    });
  });

  describe('credential_process sources', () => {
    const cases: Array<[string, RegExp]> = [
      ['badjson', /profile 'badjson': could not get credentials from credential_process: .*JSON/],
      ['badjson-role', /profile 'badjson': could not get credentials from credential_process: .*JSON/],
      ['v2json', /profile 'v2json': could not get credentials from credential_process: .*[Vv]ersion/],
      ['cp-fails', /profile 'cp-fails': could not get credentials from credential_process/],
    ];
    for (const [profile, pattern] of cases) {
      test(`${profile}: one line naming the profile and credential_process, nothing cached`, async () => {
        box.emu.resetCounts();
        const result = await tfmfa(['credential-process', profile]);
        failsInOneLine(result, pattern);
        assert.equal(box.emu.count(), 0);
        assert.equal(nothingHalfWritten(result.cacheDir).sessions, 0);
      });
    }
  });

  describe('source_profile cycles and depth', () => {
    test('a two-profile cycle: one line naming it', async () => {
      await configError(['credential-process', 'cyc-a'], /source_profile cycle: cyc-a → cyc-b → cyc-a/);
    });

    test('a profile naming itself without keys: one line naming the cycle', async () => {
      await configError(['exec', 'self-cycle', '--', tool.path], /source_profile cycle: self-cycle → self-cycle/);
    });

    test(
      'a chain of 5 real roles, end to end through the emulator: one GetSessionToken, five ' + 'AssumeRole hops',
      async () => {
        box.emu.resetCounts();
        const result = await tfmfa(['exec', 'hop-5', '--', tool.path]);
        assert.equal(result.exitCode, 0, result.stderr);
        assert.equal(box.emu.count('GetSessionToken'), 1);
        assert.deepEqual(
          box.emu
            .calls()
            .filter((c) => c.action === 'AssumeRole')
            .map((c) => c.params.RoleArn),
          HOPS,
        );
        assert.equal(nothingHalfWritten(result.cacheDir).sessions, 6);
        const env = readRecords(tool.recordsFile).at(-1)?.env ?? {};
        assert.equal(env.TFMFA_PROFILE, 'hop-5');
      },
    );

    test(
      'depth 50 (resolution only): resolves to 50 hops in order; with a cycle at the far end, ' + 'the cycle is named',
      async () => {
        const depth = 50;
        const lines = ['[profile base]', 'mfa_serial = arn:aws:iam::222222222222:mfa/me'];
        for (let i = 1; i <= depth; i++)
          lines.push(
            `[profile p${i}]`,
            `source_profile = ${i === 1 ? 'base' : `p${i - 1}`}`,
            `role_arn = arn:aws:iam::111111111111:role/r${i}`,
          );
        const fixture = writeAwsFiles(
          lines.join('\n'),
          '[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n',
        );
        try {
          const files = await loadAwsFiles(fixture);
          const chain = resolveChain(files, `p${depth}`, { user: 'u', nowMs: 0 });
          assert.equal(chain.roles.length, depth);
          assert.deepEqual(
            chain.roles.map((r) => r.roleArn),
            Array.from({ length: depth }, (_, i) => `arn:aws:iam::111111111111:role/r${i + 1}`),
          );
          assert.equal(chain.mfaSerial, 'arn:aws:iam::222222222222:mfa/me', 'mfa_serial inherited down 50 hops');
        } finally {
          fixture.cleanup();
        }
        const cyclic = writeAwsFiles(
          lines.join('\n').replace('source_profile = base', `source_profile = p${depth}`),
          '',
        );
        try {
          const files = await loadAwsFiles(cyclic);
          assert.throws(
            () => resolveChain(files, 'p25', { user: 'u', nowMs: 0 }),
            (error: unknown) => {
              assert.ok(error instanceof UserError);
              assert.match(error.message, /^source_profile cycle: p25 → p24 → .* → p1 → p50 → .* → p25: /);
              assert.equal(error.message.split(' → ').length, depth + 1);
              return true;
            },
          );
        } finally {
          cyclic.cleanup();
        }
      },
    );
  });

  describe('malformed values', () => {
    test(
      "mfa_serial that is neither an ARN nor a serial ('my phone'): one line naming profile, key " +
        'and what is expected',
      async () => {
        await configError(
          ['credential-process', 'bad-serial-words'],
          /profile 'bad-serial-words': mfa_serial 'my phone' is not valid: expected an MFA device ARN/,
        );
      },
    );

    for (const [profile, value] of [
      ['bad-serial-arn', 'arn:aws:iam::2222:mfa/username'],
      ['bad-serial-user-arn', 'arn:aws:iam::222222222222:user/username'],
    ]) {
      test(
        `mfa_serial that is a malformed or non-MFA ARN (${value}): one line before any prompt, ` +
          `not "AWS rejected the MFA code"`,
        async () => {
          await configError(
            ['credential-process', profile as string],
            new RegExp(`profile '${profile}': mfa_serial '${(value as string).replace(/[/.]/g, '\\$&')}' is not valid`),
          );
        },
      );
    }

    test('role_arn that is a user ARN: one line naming profile, key and what is expected', async () => {
      await configError(
        ['credential-process', 'bad-role-arn'],
        new RegExp(
          String.raw`profile 'bad-role-arn': role_arn 'arn:aws:iam::111111111111:user\/not-a-role' is not ` +
            String.raw`valid: expected arn:aws:iam::`,
        ),
      );
    });

    for (const [i, value] of ['100', '50000', '1h', '-5', '3600.5', '0x10'].entries()) {
      test(`duration_seconds = ${value}: one line naming profile, key and range`, async () => {
        await configError(
          ['credential-process', `duration-${i}`],
          new RegExp(
            `profile 'duration-${i}': duration_seconds '${value.replace('.', '\\.')}' is not valid: expected a ` +
              `whole number of seconds from 900 to 43200`,
          ),
        );
      });
    }
  });

  describe('shim names and PATH', () => {
    for (const name of ['../x', '/bin/sh', '', '..', '.', 'a b', 'x\ny', 'terraform/../../bin/sh']) {
      test(`__shim ${JSON.stringify(name)}: refused in one line, exit 2`, async () => {
        const result = await tfmfa(['__shim', name, 'plan']);
        failsInOneLine(result, /is not a tool name a shim can stand for: name the symlink after the tool/);
        assert.equal(result.exitCode, 2);
      });
    }

    test('a shim symlink whose name is not a tool name (contains a space): refused in one line', async () => {
      const link = join(box.dir, 'odd', 'tf mfa');
      mkdirSync(join(box.dir, 'odd'), { recursive: true });
      if (!existsSync(link)) symlinkSync(CLI, link);
      const result = await execa(link, ['plan'], {
        env: box.env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        detached: true,
      });
      failsInOneLine(result as unknown as TfmfaResult, /'tf mfa' is not a tool name a shim can stand for/);
    });

    test(
      'PATH with an empty entry (the current directory is the shim directory) and relative ' +
        'entries: the real binary runs with the session',
      async () => {
        box.emu.advance(30);
        const before = readRecords(tool.recordsFile).length;
        // cwd = shim dir: the empty entry and '.' both mean the shim itself; 'real' relative to box.dir is not
        // reachable from there, '../real' is.
        const result = await shimRun(`::.:${NODE_DIR}:../real:/usr/bin:/bin`, shimDir, {
          TFMFA_CACHE_DIR: join(box.dir, `cache-${++counter}`),
        });
        assert.equal(result.exitCode, 0, String(result.stderr));
        const records = readRecords(tool.recordsFile);
        assert.equal(records.length, before + 1);
        assert.deepEqual(records.at(-1)?.argv, ['plan', '-out=x']);
        assert.match(records.at(-1)?.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      },
    );

    test('PATH where only the shim itself is reachable (empty and relative entries): exit 127, one line', async () => {
      const result = await shimRun(`::.:${NODE_DIR}:/usr/bin:/bin`, shimDir);
      failsInOneLine(
        result as unknown as TfmfaResult,
        /no real terraform found on PATH after the tfmfa shim \(.*\): install terraform or fix PATH/,
      );
      assert.equal(result.exitCode, 127);
    });

    const launcherDir = join(ROOT, 'shims');
    const shims: Array<[string, () => string, boolean]> = [
      ['the Node shim (symlink to dist/cli.js)', () => shimDir, true],
      ['the shell launcher (shims/terraform)', () => launcherDir, existsSync(join(launcherDir, 'terraform'))],
    ];
    for (const [what, dirOf, present] of shims) {
      test(
        `a symlink loop in PATH (a directory symlink to itself, a looping tool symlink) is skipped by ${what}`,
        { skip: !present && 'not built' },
        async () => {
          const dir = dirOf();
          const loops = join(box.dir, 'loops');
          mkdirSync(loops, { recursive: true });
          const selfDir = join(loops, 'self');
          if (!readdirSync(loops).includes('self')) symlinkSync(selfDir, selfDir);
          const toolLoopDir = join(loops, 'tool-loop');
          mkdirSync(toolLoopDir, { recursive: true });
          if (!readdirSync(toolLoopDir).includes('terraform'))
            symlinkSync(join(toolLoopDir, 'terraform'), join(toolLoopDir, 'terraform'));
          box.emu.advance(30);
          const before = readRecords(tool.recordsFile).length;
          // node's directory first: the shim's own `#!/usr/bin/env node` gives up at the first looping entry (glibc
          // execvp
          // stops at ELOOP), before tfmfa runs at all; what is tested here is how tfmfa itself walks PATH.
          const path = `${NODE_DIR}:${selfDir}:${toolLoopDir}:${dir}:${selfDir}:${realDir}:/usr/bin:/bin`;
          const result = await shimRun(
            path,
            box.dir,
            { TFMFA_CACHE_DIR: join(box.dir, `cache-${++counter}`) },
            join(dir, 'terraform'),
          );
          assert.equal(result.exitCode, 0, String(result.stderr));
          assert.equal(readRecords(tool.recordsFile).length, before + 1);
          assert.match(readRecords(tool.recordsFile).at(-1)?.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
          // exec finds a command by name through the same PATH (which skips the shim: it is tfmfa itself)
          const viaExec = await tfmfa(['exec', 'viaproc', '--', 'terraform', 'apply'], {
            PATH: `${NODE_DIR}:${selfDir}:${toolLoopDir}:${realDir}:/usr/bin:/bin`,
          });
          assert.equal(viaExec.exitCode, 0, String(viaExec.stderr));
          assert.deepEqual(readRecords(tool.recordsFile).at(-1)?.argv, ['apply']);
          // and when the loops are all there is: one line, 127
          const none = await shimRun(
            `${NODE_DIR}:${selfDir}:${toolLoopDir}:${dir}:/usr/bin:/bin`,
            box.dir,
            {},
            join(dir, 'terraform'),
          );
          failsInOneLine(none as unknown as TfmfaResult, /no real terraform found on PATH/);
          assert.equal(none.exitCode, 127);
        },
      );
    }
  });

  describe('environment variables with newlines', () => {
    test(
      'AWS_CONFIG_FILE whose path contains a newline: the child gets an overlay its SDK can ' +
        'parse (or tfmfa refuses in one line)',
      async () => {
        const dir = join(box.dir, 'new\nline');
        mkdirSync(dir, { recursive: true });
        const config = join(dir, 'config');
        copyFileSync(box.env.AWS_CONFIG_FILE as string, config);
        const result = await tfmfa(['exec', 'viaproc', '--', tool.path], { AWS_CONFIG_FILE: config });
        if (result.exitCode !== 0) {
          failsInOneLine(result, /./);
          return;
        }
        const env = readRecords(tool.recordsFile).at(-1)?.env ?? {};
        const overlayPath = env.AWS_CONFIG_FILE as string;
        if (overlayPath === config) return; // no overlay: the child reads the user's file
        const overlay = await loadAwsFiles({
          configPath: overlayPath,
          credentialsPath: env.AWS_SHARED_CREDENTIALS_FILE as string,
        });
        const command = overlay.profiles.get('viaproc')?.credential_process;
        assert.ok(command, 'viaproc has a credential_process in the overlay');
        const words = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' })
          .stdout.split('\0')
          .slice(0, -1);
        const at = words.indexOf('--config-file');
        // (a path no INI line can hold is named through a link to it in the overlay's directory)
        assert.equal(
          realpathSync(words[at + 1] as string),
          config,
          `the overlay's credential_process names the real config file: ${JSON.stringify(words)}`,
        );
        nothingHalfWritten(result.cacheDir);
      },
    );

    test('TFMFA_MIN_TTL with a newline: one line, exit 2', async () => {
      await configError(
        ['credential-process', 'viaproc'],
        /TFMFA_MIN_TTL must be a duration like 3600, 90m or 8h, got '1 2'/,
        { TFMFA_MIN_TTL: '1\n2' },
      );
    });

    test('TFMFA_SESSION_TTL with a trailing newline is read as the duration', async () => {
      const result = await tfmfa(['credential-process', 'viaproc'], { TFMFA_SESSION_TTL: '2h\n' });
      assert.equal(result.exitCode, 0, result.stderr);
      const call = box.emu
        .calls()
        .filter((c) => c.action === 'GetSessionToken')
        .at(-1);
      assert.equal(call?.params.DurationSeconds, '7200');
    });

    test(
      'AWS_PROFILE with a newline in shim mode: not a profile, the real binary runs unchanged (a ' +
        'shim never breaks a tool)',
      async () => {
        const before = readRecords(tool.recordsFile).length;
        const result = await shimRun(`${shimDir}:${realDir}:${NODE_DIR}:/usr/bin:/bin`, box.dir, {
          AWS_PROFILE: 'viaproc\nevil',
          TFMFA_CACHE_DIR: join(box.dir, `cache-${++counter}`),
        });
        assert.equal(result.exitCode, 0, String(result.stderr));
        const record = readRecords(tool.recordsFile).at(-1);
        assert.equal(readRecords(tool.recordsFile).length, before + 1);
        assert.equal(record?.env.AWS_ACCESS_KEY_ID, undefined);
        assert.equal(record?.env.AWS_PROFILE, 'viaproc\nevil');
      },
    );

    test(
      'unreadable config file (mode 000) as a non-root user: one line',
      { skip: process.getuid?.() === 0 && 'root reads any file' },
      async () => {
        const config = join(box.dir, 'unreadable.config');
        copyFileSync(box.env.AWS_CONFIG_FILE as string, config);
        chmodSync(config, 0o000);
        await configError(['credential-process', 'viaproc'], /unreadable\.config|EACCES|permission/i, {
          AWS_CONFIG_FILE: config,
        });
      },
    );
  });
});
