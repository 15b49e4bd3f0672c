import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { spawnInPty } from '../support/pty.ts';
import { ROOT } from '../support/sandbox.ts';

const DEMO = join(ROOT, 'scripts', 'demo.ts');

describe('npm run demo', () => {
  test('on a terminal: prints the code, prompts once, then the cached session answers without a prompt', async () => {
    const pty = spawnInPty(process.execPath, [DEMO], { env: { ...process.env, HOME: '/nonexistent-home' } });
    const shown = await pty.waitFor(/shows: (\d{6})/, 30_000);
    const code = /shows: (\d{6})/.exec(shown)?.[1] as string;
    await pty.waitFor('Enter MFA code for arn:aws:iam::222222222222:mfa/username:', 30_000);
    pty.write(`${code}\r`);
    const status = await pty.exited;
    const output = pty.output();
    assert.equal(status.code, 0, output);
    const [firstRun, secondRun] = output.split('2. Second run');
    assert.match(firstRun ?? '', /Enter MFA code for/);
    assert.doesNotMatch(secondRun ?? '', /Enter MFA code/, 'the second run does not prompt');
    assert.equal(output.match(/assumed-role\/hc-master\//g)?.length, 2);
    assert.match(output, /GetSessionToken 1, AssumeRole 1/);
  });

  test('without a terminal: mfa_process feeds the code and says so', async () => {
    const result = await execa(process.execPath, [DEMO], { stdin: 'ignore', reject: false, detached: true });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /No terminal here: the MFA code comes from the profile's mfa_process/);
    assert.match(result.stdout, /GetSessionToken 1, AssumeRole 1/);
    assert.doesNotMatch(result.stdout + result.stderr, /\x1b/, 'no escape sequences into a pipe');
  });

  test('on a terminal with NO_COLOR: no colour or bold from the demo', async () => {
    const pty = spawnInPty(process.execPath, [DEMO], {
      env: { ...process.env, HOME: '/nonexistent-home', NO_COLOR: '1' },
    });
    const shown = await pty.waitFor(/shows: (\d{6})/, 30_000);
    const code = /shows: (\d{6})/.exec(shown)?.[1] as string;
    await pty.waitFor('Enter MFA code for', 30_000);
    pty.write(`${code}\r`);
    assert.equal((await pty.exited).code, 0, pty.output());
    const demoLines = pty
      .output()
      .split('\n')
      .filter((line) => /tfmfa demo|shows:|Second run|STS calls made/.test(line));
    assert.ok(demoLines.length >= 4, pty.output());
    for (const line of demoLines) assert.doesNotMatch(line, /\x1b\[[0-9;]*m/, JSON.stringify(line));
  });
});
