import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { spawnInPty } from '../support/pty.ts';
import { CLI, createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

const PROMPT = `Enter MFA code for ${SERIAL}:`;

describe('MFA code sources', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  let round = 0;
  /** A cold cache of its own for each test, so each one has to get a code. */
  const coldEnv = (extra: Record<string, string> = {}) => ({
    ...box.env,
    TFMFA_CACHE_DIR: join(box.dir, `cache-${++round}`),
    ...extra,
  });
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  const sessions = (env: Record<string, string>) =>
    existsSync(join(env.TFMFA_CACHE_DIR as string, 'sessions'))
      ? readdirSync(join(env.TFMFA_CACHE_DIR as string, 'sessions')).length
      : 0;

  before(async () => {
    box = await createSandbox({
      extraConfig: `[profile via-process]
source_profile = GEHC-000
role_arn = arn:aws:iam::111111111111:role/team-b
mfa_serial = ${SERIAL}
mfa_process = MFA_PROCESS_PLACEHOLDER
[profile garbage-process]
source_profile = GEHC-000
role_arn = arn:aws:iam::111111111111:role/team-b
mfa_serial = ${SERIAL}
mfa_process = echo not-a-code
[profile failing-process]
source_profile = GEHC-000
role_arn = arn:aws:iam::111111111111:role/team-b
mfa_serial = ${SERIAL}
mfa_process = echo broken >&2; exit 3
`,
    });
    const config = readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8').replace(
      'MFA_PROCESS_PLACEHOLDER',
      box.mfaProcess,
    );
    writeFileSync(box.env.AWS_CONFIG_FILE as string, config);
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  test('prompts on the terminal with stdin and stdout redirected, and the code is never echoed to them', async () => {
    const env = coldEnv();
    const out = join(box.dir, 'out.txt');
    const script = `echo from-pipe | ${process.execPath} ${CLI} exec GEHC-056 -- ${tool.path} plan > ${out} 2>&1`;
    const pty = spawnInPty('/bin/sh', ['-c', script], { env });
    await pty.waitFor(PROMPT);
    const code = freshCode();
    pty.write(`${code}\r`);
    const status = await pty.exited;
    assert.equal(status.code, 0, pty.output());
    const record = readRecords(tool.recordsFile).at(-1)!;
    assert.equal(record.stdin, 'from-pipe\n', 'stdin still reaches the command');
    assert.deepEqual(record.argv, ['plan']);
    assert.ok(!readFileSync(out, 'utf8').includes(code), 'the code is not in the redirected output');
    assert.ok(!JSON.stringify(record.env).includes(code), 'nor in the child environment');
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('a code STS rejects is asked for again (attempt 2 of 3); a malformed one is refused before STS', async () => {
    const env = coldEnv();
    const pty = spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', tool.path], { env });
    await pty.waitFor(PROMPT);
    pty.write('12a\r');
    await pty.waitFor('The code is 6 digits');
    pty.write('\b\b\b000000\r');
    await pty.waitFor(/AWS rejected the MFA code.*\(attempt 2 of 3\)/s);
    await pty.waitFor(new RegExp(`${PROMPT}[\\s\\S]*${PROMPT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    pty.write(`${freshCode()}\r`);
    const status = await pty.exited;
    assert.equal(status.code, 0, pty.output());
    assert.equal(
      box.emu.count('GetSessionToken'),
      2,
      'one rejected, one accepted; the malformed code never reached STS',
    );
    assert.equal(sessions(env), 2);
  });

  test('three rejected codes end with exit 1 and nothing cached', async () => {
    const env = coldEnv();
    const pty = spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', tool.path], { env });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await pty.waitFor(attempt === 1 ? PROMPT : `attempt ${attempt} of 3`);
      pty.write(`00000${attempt}\r`);
    }
    const status = await pty.exited;
    assert.equal(status.code, 1);
    assert.match(pty.output(), /tfmfa: AWS rejected the MFA code/);
    assert.equal(box.emu.count('GetSessionToken'), 3);
    assert.equal(sessions(env), 0);
  });

  test('Ctrl-C at the prompt cancels: exit 130, no STS call, nothing cached', async () => {
    const env = coldEnv();
    const pty = spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', tool.path], { env });
    await pty.waitFor(PROMPT);
    pty.write('\x03');
    const status = await pty.exited;
    assert.ok(status.code === 130 || status.signal === 'SIGINT', JSON.stringify(status));
    assert.equal(box.emu.count(), 0);
    assert.equal(sessions(env), 0);
  });

  test('mfa_process supplies the code without a terminal', async () => {
    const before = box.mfaProcessRuns();
    box.emu.advance(30); // the code mfa_process will print must be one no earlier test used
    const result = await box.tfmfa(['exec', 'via-process', '--', tool.path], { env: coldEnv(), detached: true });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(box.mfaProcessRuns() - before, 1);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('--mfa-token comes before mfa_process', async () => {
    const before = box.mfaProcessRuns();
    const result = await box.tfmfa(['exec', 'via-process', '--mfa-token', freshCode(), '--', tool.path], {
      env: coldEnv(),
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(box.mfaProcessRuns() - before, 0);
  });

  test('an mfa_process that fails or prints garbage is one clear line; its output is not echoed', async () => {
    const garbage = await box.tfmfa(['exec', 'garbage-process', '--', tool.path], { env: coldEnv(), detached: true });
    assert.equal(garbage.exitCode, 1);
    assert.match(
      garbage.stderr,
      new RegExp(
        String.raw`^tfmfa: mfa_process of profile 'garbage-process' did not print a 6-digit code \(got 10 ` +
          String.raw`characters\): fix the command`,
      ),
    );
    assert.ok(!garbage.stderr.includes('not-a-code'));
    const failing = await box.tfmfa(['exec', 'failing-process', '--', tool.path], { env: coldEnv(), detached: true });
    assert.equal(failing.exitCode, 1);
    assert.match(failing.stderr, /mfa_process of profile 'failing-process' failed \(exit 3\)/);
    assert.equal(box.emu.count(), 0);
  });

  test('no terminal and no other source: exit non-zero naming the options', async () => {
    const result = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], { env: coldEnv(), detached: true });
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(
        String.raw`run 'tfmfa open-session GEHC-056' in a terminal first .*, pass --mfa-token CODE, or set ` +
          String.raw`mfa_process .* or mfa_prompt .* in profile 'GEHC-056'$`,
      ),
    );
  });
});
