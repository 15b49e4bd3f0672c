// The terminal prompt in a real pseudo-terminal: codes typed with a space or pasted with spaces around
// them are accepted, Ctrl-U clears the field, Ctrl-D cancels, and nobody answering ends the wait.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool } from '../../support/fake-tool.ts';
import { spawnInPty } from '../../support/pty.ts';
import { CLI, createSandbox, SERIAL, type Sandbox } from '../../support/sandbox.ts';

const PROMPT = `Enter MFA code for ${SERIAL}: `;

describe('the terminal prompt', () => {
  let box: Sandbox;
  let tool: { path: string };
  let round = 0;
  const coldEnv = (extra: Record<string, string> = {}) => ({
    ...box.env,
    TFMFA_CACHE_DIR: join(box.dir, `cache-${++round}`),
    ...extra,
  });
  const sessions = (env: Record<string, string>) =>
    existsSync(join(env.TFMFA_CACHE_DIR as string, 'sessions'))
      ? readdirSync(join(env.TFMFA_CACHE_DIR as string, 'sessions')).length
      : 0;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  /** The command's status, or code -1 (after killing it) when it is still waiting after 20 s, e.g. asking again. */
  const exited = (pty: ReturnType<typeof spawnInPty>) =>
    Promise.race([
      pty.exited,
      new Promise<{ code: number }>((resolve) =>
        setTimeout(() => {
          pty.kill();
          resolve({ code: -1 });
        }, 20_000).unref(),
      ),
    ]);
  const exec = (env: Record<string, string>) =>
    spawnInPty(process.execPath, [CLI, 'exec', 'GEHC-056', '--', tool.path], { env });

  before(async () => {
    box = await createSandbox();
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  for (const [label, shape] of [
    ['typed with a space, as authenticator apps show it', (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`],
    ['pasted with spaces around it', (code: string) => `  ${code} `],
  ] as const) {
    test(`a code ${label} is accepted`, async () => {
      const env = coldEnv();
      const pty = exec(env);
      await pty.waitFor(PROMPT);
      pty.write(`${shape(freshCode())}\r`);
      const status = await exited(pty);
      assert.equal(status.code, 0, pty.output());
      assert.ok(!pty.output().includes('The code is 6 digits'), pty.output());
      assert.equal(box.emu.count('GetSessionToken'), 1);
    });
  }

  test('Ctrl-U clears what was typed: only the code after it is sent', async () => {
    const env = coldEnv();
    const pty = exec(env);
    await pty.waitFor(PROMPT);
    pty.write('999 99');
    await pty.waitFor('999 99');
    pty.write('\x15');
    pty.write(`${freshCode()}\r`);
    const status = await exited(pty);
    assert.equal(status.code, 0, pty.output());
    assert.ok(!pty.output().includes('The code is 6 digits'), 'the cleared digits were not part of the answer');
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('a wrong shape is refused before STS and asked again; Ctrl-D cancels: exit 130, nothing cached', async () => {
    const env = coldEnv();
    const pty = exec(env);
    await pty.waitFor(PROMPT);
    pty.write('12 34\r');
    await pty.waitFor('The code is 6 digits');
    pty.write('\x04');
    const status = await exited(pty);
    assert.equal(status.code, 130, pty.output());
    assert.match(pty.output(), /tfmfa: MFA prompt cancelled/);
    assert.equal(box.emu.count(), 0);
    assert.equal(sessions(env), 0);
  });

  test('nobody answers: the wait ends after TFMFA_PROMPT_TIMEOUT with a clear message', async () => {
    const env = coldEnv({ TFMFA_PROMPT_TIMEOUT: '5' });
    const started = Date.now();
    const pty = exec(env);
    await pty.waitFor(PROMPT);
    const status = await exited(pty);
    assert.equal(status.code, 1);
    assert.match(
      pty.output(),
      new RegExp(
        String.raw`tfmfa: no MFA code was entered within 5s \(terminal prompt for profile 'GEHC-056'\): run ` +
          String.raw`again, or allow more time with TFMFA_PROMPT_TIMEOUT`,
      ),
    );
    assert.ok(Date.now() - started < 15_000);
    assert.equal(sessions(env), 0);
  });
});
