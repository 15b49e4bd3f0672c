import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { spawnInPty } from '../support/pty.ts';
import { ROOT } from '../support/sandbox.ts';

const RUNNER = join(ROOT, 'test', 'support', 'mirror-runner.ts');

describe('the spawn fallback (no execve)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfmfa-mirror-'));
  const tool = createFakeTool(dir, 'terraform');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (env: Record<string, string> = {}) =>
    execa(process.execPath, [RUNNER, tool.path, 'plan'], {
      env: { ...process.env, ...env },
      reject: false,
      stdin: 'ignore',
    });

  test("mirrors exit codes 0, 1, 2 and death by the child's signal", async () => {
    for (const code of [0, 1, 2]) assert.equal((await run({ FAKE_TOOL_EXIT: String(code) })).exitCode, code);
    assert.equal((await run({ FAKE_TOOL_SIGNAL: 'SIGTERM' })).signal, 'SIGTERM');
    assert.deepEqual(readRecords(tool.recordsFile).at(-1)?.argv, ['plan']);
  });

  test('forwards SIGTERM to the child', async () => {
    const child = execa(process.execPath, [RUNNER, '/bin/sleep', '30'], { reject: false, stdin: 'ignore' });
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    const result = await child;
    assert.equal(result.signal, 'SIGTERM', 'the child died of the forwarded SIGTERM and the runner mirrored it');
  });

  test('does not forward SIGINT: under a terminal, Ctrl-C reaches the child exactly once', async () => {
    const pty = spawnInPty(process.execPath, [RUNNER, tool.path], {
      env: { ...process.env, FAKE_TOOL_WAIT_SIGINT: '1' },
    });
    await pty.waitFor('READY');
    pty.write('\x03');
    const status = await pty.exited;
    assert.equal(status.code, 130, pty.output());
    assert.equal(readRecords(tool.recordsFile).at(-1)?.sigints, 1);
  });
});
