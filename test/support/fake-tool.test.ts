import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeTool, readRecords } from './fake-tool.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tfmfa-fake-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

test('the fake is an executable whose #! line is the running node', (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  assert.equal(path, join(dir, 'terraform'));
  assert.equal(recordsFile, join(dir, 'terraform.records.jsonl'));
  assert.equal(statSync(path).mode & 0o111, 0o111);
  assert.equal(readFileSync(path, 'utf8').split('\n')[0], `#!${process.execPath}`);
  assert.deepEqual(readRecords(recordsFile), []); // never ran yet
});

test('argv is recorded byte for byte', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const args = [
    'plan',
    'with space',
    '',
    '"double" \'single\'',
    '--',
    '-var=a=b',
    'ünïcødé ✓ 日本 🚀',
    '$HOME `x` \\n *',
    'line1\nline2\ttab',
    '--',
  ];
  const r = await run(path, args);
  assert.equal(r.code, 0, r.stderr);
  const [rec, ...rest] = readRecords(recordsFile);
  assert.deepEqual(rest, []);
  assert.deepEqual(rec?.argv, args);
});

test('env, pid, ppid, cwd and TTY flags are recorded', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'aws');
  const env = { PATH: process.env.PATH ?? '', AWS_PROFILE: 'dev', ODD: 'a=b\nc "d"' };
  const child = spawn(path, ['sts'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const [rec] = readRecords(recordsFile);
  assert.ok(rec);
  assert.equal(rec.env.AWS_PROFILE, 'dev');
  assert.equal(rec.env.ODD, 'a=b\nc "d"');
  assert.equal(rec.env.HOME, undefined);
  assert.equal(rec.pid, child.pid);
  assert.equal(rec.ppid, process.pid);
  assert.equal(rec.cwd, dir);
  assert.equal(rec.stdinIsTTY, false);
  assert.equal(rec.stdoutIsTTY, false);
  assert.equal(rec.stdin, ''); // /dev/null
  assert.equal(rec.sigints, 0);
});

test('stdin is captured', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const input = 'yes\nsecond line ✓\n'.repeat(5000); // > a pipe buffer
  const r = await run(path, ['apply'], { stdin: input });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readRecords(recordsFile)[0]?.stdin, input);
});

test('exit code comes from opts.exitCode, overridden by FAKE_TOOL_EXIT', async (t) => {
  const dir = tempDir(t);
  const plain = createFakeTool(dir, 'plain');
  const failing = createFakeTool(dir, 'failing', { exitCode: 3 });
  const [a, b, c] = await Promise.all([
    run(plain.path, []),
    run(failing.path, []),
    run(failing.path, [], { env: { ...process.env, FAKE_TOOL_EXIT: '42' } }),
  ]);
  assert.deepEqual([a.code, b.code, c.code], [0, 3, 42]);
  assert.equal(readRecords(failing.recordsFile).length, 2);
});

test('FAKE_TOOL_STDOUT / FAKE_TOOL_STDERR are written', async (t) => {
  const dir = tempDir(t);
  const { path } = createFakeTool(dir, 'terraform');
  const r = await run(path, [], {
    env: { ...process.env, FAKE_TOOL_STDOUT: 'out ✓\n', FAKE_TOOL_STDERR: 'err!\n' },
  });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'out ✓\n', 'err!\n']);
});

test('FAKE_TOOL_SIGNAL makes the tool kill itself after recording', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const r = await run(path, ['x'], { env: { ...process.env, FAKE_TOOL_SIGNAL: 'SIGTERM' } });
  assert.equal(r.code, null);
  assert.equal(r.signal, 'SIGTERM');
  assert.deepEqual(readRecords(recordsFile)[0]?.argv, ['x']);
});

test('FAKE_TOOL_RECORDS redirects the records', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const other = join(dir, 'sub', 'other.jsonl');
  const r = await run(path, ['y'], { env: { ...process.env, FAKE_TOOL_RECORDS: other } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readRecords(recordsFile), []);
  assert.deepEqual(readRecords(other)[0]?.argv, ['y']);
});

test('FAKE_TOOL_WAIT_SIGINT counts SIGINTs, then exits 130', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const child = spawn(path, ['apply'], {
    env: { ...process.env, FAKE_TOOL_WAIT_SIGINT: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.write('partial input'); // stdin stays open: must not block the tool
  let stdout = '';
  const closed = new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (code, signal) => resolve([code, signal])),
  );
  await new Promise<void>((resolve) =>
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (stdout.includes('READY\n')) resolve();
    }),
  );
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT'); // a second one within 500 ms is counted too
  assert.deepEqual(await closed, [130, null]);
  child.stdin.destroy();
  const [rec] = readRecords(recordsFile);
  assert.equal(rec?.sigints, 2);
  assert.equal(rec?.stdin, 'partial input');
});

test('opts.runScript runs after recording and may spawn children and set the exit code', async (t) => {
  const dir = tempDir(t);
  const terraform = createFakeTool(dir, 'terraform');
  const terragrunt = createFakeTool(dir, 'terragrunt', {
    runScript: [
      "import { spawnSync } from 'node:child_process';",
      "import { readFileSync } from 'node:fs';",
      'const { record, recordsFile } = globalThis.fakeTool;',
      "if (readFileSync(recordsFile, 'utf8').split('\\n').length !== 2) throw new Error('not recorded yet');",
      'await new Promise((r) => setTimeout(r, 1));',
      "const r = spawnSync('terraform', ['init', ...record.argv], { stdio: 'inherit' });",
      'process.exitCode = r.status === 0 ? 5 : 99;',
    ].join('\n'),
  });
  const r = await run(terragrunt.path, ['run-all', 'plan'], {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
  });
  assert.equal(r.code, 5, r.stderr);
  const [tf] = readRecords(terraform.recordsFile);
  const [tg] = readRecords(terragrunt.recordsFile);
  assert.deepEqual(tf?.argv, ['init', 'run-all', 'plan']);
  assert.equal(tf?.ppid, tg?.pid);
});

test('10 concurrent runs append 10 whole lines', async (t) => {
  const dir = tempDir(t);
  const { path, recordsFile } = createFakeTool(dir, 'terraform');
  const big = 'x'.repeat(64 * 1024); // records far larger than PIPE_BUF
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      run(path, [`run-${i}`], { env: { ...process.env, BIG: big }, stdin: `${i}`.repeat(1000) }),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.code),
    Array(10).fill(0),
  );
  const lines = readFileSync(recordsFile, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 10);
  const records = lines.map((l) => JSON.parse(l) as { argv: string[]; env: { BIG: string }; stdin: string });
  assert.deepEqual(records.map((r) => r.argv[0]).sort(), Array.from({ length: 10 }, (_, i) => `run-${i}`).sort());
  for (const rec of records) {
    assert.equal(rec.env.BIG, big);
    assert.equal(rec.stdin, rec.argv[0]!.slice(4).repeat(1000));
  }
});

test('the fake runs fast (node start-up is the only cost)', async (t) => {
  const dir = tempDir(t);
  const { path } = createFakeTool(dir, 'terraform');
  const started = performance.now();
  const r = await run(path, ['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(performance.now() - started < 2000);
});
