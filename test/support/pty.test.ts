import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnInPty } from './pty.ts';
import { createFakeTool, readRecords } from './fake-tool.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tfmfa-pty-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the inner command has a terminal (80x24) on stdin and stdout', async () => {
  const s = spawnInPty('sh', ['-c', 'if [ -t 0 ] && [ -t 1 ]; then echo IS-TTY; else echo NOT-TTY; fi; stty size']);
  assert.equal(typeof s.pid, 'number');
  assert.deepEqual(await s.exited, { code: 0, signal: null });
  assert.match(s.output(), /IS-TTY\r\n/);
  assert.match(s.output(), /24 80\r\n/);
});

test('typed text arrives on the inner command stdin', async () => {
  const s = spawnInPty('sh', ['-c', 'echo READY; read line; echo "got[$line]"']);
  await s.waitFor('READY');
  s.write('hello world\r');
  const out = await s.waitFor(/got\[hello world\]/);
  assert.match(out, /hello world\r\n/); // the terminal echoed what was typed
  assert.deepEqual(await s.exited, { code: 0, signal: null });
});

test('/dev/tty reaches the terminal while stdin is a pipe and stdout a file', async (t) => {
  const dir = tempDir(t);
  // stdin of the group is a pipe, stdout a file: only /dev/tty talks to the user.
  const script = [
    "printf 'from-pipe\\n' | {",
    '  if [ -t 0 ] || [ -t 1 ]; then echo "UNEXPECTED-TTY" >/dev/tty; exit 9; fi',
    '  read piped',
    "  printf 'PROMPT> ' >/dev/tty",
    '  read typed </dev/tty',
    '  printf \'piped=%s typed=%s\\n\' "$piped" "$typed"',
    '  echo ACK >/dev/tty',
    '} >result.txt',
  ].join('\n');
  const s = spawnInPty('sh', ['-c', script], { cwd: dir });
  await s.waitFor('PROMPT> ');
  s.write('s3cret\r');
  await s.waitFor('ACK');
  assert.deepEqual(await s.exited, { code: 0, signal: null });
  assert.equal(readFileSync(join(dir, 'result.txt'), 'utf8'), 'piped=from-pipe typed=s3cret\n');
  assert.doesNotMatch(s.output(), /UNEXPECTED-TTY|piped=/);
});

test('Ctrl-C delivers exactly one SIGINT to a foreground process that traps it', async () => {
  const script = [
    'n=0',
    'trap \'n=$((n+1)); echo "TRAPPED $n"\' INT',
    'echo READY',
    'while [ "$n" -eq 0 ]; do sleep 0.02; done',
    'sleep 0.3',
    'echo "COUNT=$n"',
  ].join('\n');
  const s = spawnInPty('sh', ['-c', script]);
  await s.waitFor('READY');
  s.write('\x03');
  await s.waitFor(/COUNT=\d+/);
  assert.deepEqual(await s.exited, { code: 0, signal: null });
  assert.match(s.output(), /COUNT=1\r\n/);
  assert.equal(s.output().match(/TRAPPED/g)?.length, 1);
});

test('Ctrl-C kills a foreground process that does not trap SIGINT', async () => {
  const s = spawnInPty('sh', ['-c', 'echo READY; exec sleep 5']);
  await s.waitFor('READY');
  s.write('\x03');
  assert.deepEqual(await s.exited, { code: null, signal: 'SIGINT' });
});

test('exit codes 0, 1 and 2 are reported', async () => {
  const results = await Promise.all([0, 1, 2].map((n) => spawnInPty('sh', ['-c', `echo bye; exit ${n}`]).exited));
  assert.deepEqual(results, [
    { code: 0, signal: null },
    { code: 1, signal: null },
    { code: 2, signal: null },
  ]);
});

test('death by signal is reported', async () => {
  const s = spawnInPty('sh', ['-c', 'kill -TERM $$']);
  assert.deepEqual(await s.exited, { code: null, signal: 'SIGTERM' });
});

test('output printed just before exit is not lost', async () => {
  const s = spawnInPty('sh', [
    '-c',
    'i=0; while [ $i -lt 200 ]; do echo "line $i"; i=$((i+1)); done; echo LAST; exit 4',
  ]);
  assert.deepEqual(await s.exited, { code: 4, signal: null });
  assert.match(s.output(), /line 199\r\nLAST\r\n$/);
});

test('cwd and env options are honoured', async (t) => {
  const dir = tempDir(t);
  const s = spawnInPty('sh', ['-c', 'pwd; echo "v=$PTY_TEST_VAR"'], {
    cwd: dir,
    env: { ...process.env, PTY_TEST_VAR: 'x y' },
  });
  assert.deepEqual(await s.exited, { code: 0, signal: null });
  assert.ok(s.output().includes(`${dir}\r\n`), s.output());
  assert.match(s.output(), /v=x y\r\n/);
});

test('waitFor rejects after its timeout with the output so far; kill() ends the command', async () => {
  const s = spawnInPty('sh', ['-c', 'echo partial-output; exec sleep 30']);
  await s.waitFor('partial-output');
  await assert.rejects(s.waitFor('never-printed', 200), /timed out after 200 ms.*partial-output/);
  s.kill();
  const status = await s.exited;
  assert.equal(status.code, null);
  assert.ok(status.signal === 'SIGHUP' || status.signal === 'SIGKILL', JSON.stringify(status));
});

test('waitFor rejects promptly when the command exits without a match', async () => {
  const s = spawnInPty('sh', ['-c', 'echo only-this']);
  await assert.rejects(s.waitFor('never-printed', 5000), /closed before output matched.*only-this/);
});

test('a fake tool in the terminal sees TTYs and gets one SIGINT per Ctrl-C', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const s = spawnInPty(path, ['apply'], { env: { ...process.env, FAKE_TOOL_WAIT_SIGINT: '1' } });
  await s.waitFor('READY');
  s.write('\x03');
  assert.deepEqual(await s.exited, { code: 130, signal: null });
  const [rec] = readRecords(recordsFile);
  assert.equal(rec?.sigints, 1);
  assert.equal(rec?.stdinIsTTY, true);
  assert.equal(rec?.stdoutIsTTY, true);
  assert.equal(rec?.stdin, '');
});
