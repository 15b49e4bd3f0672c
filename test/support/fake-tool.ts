// Fake executables (terraform, terragrunt, aws, ...) that record how they
// were started: one JSON line per run, appended to a records file.
//
//   const { path, recordsFile } = createFakeTool(binDir, 'terraform');
//   ... run the code under test with binDir first on PATH ...
//   const [rec] = readRecords(recordsFile);   // rec.argv, rec.env, rec.stdin, ...
//
// Behaviour of a run is controlled by its environment:
//   FAKE_TOOL_RECORDS      records file to append to (default <dir>/<name>.records.jsonl)
//   FAKE_TOOL_EXIT         exit code (default opts.exitCode ?? 0)
//   FAKE_TOOL_SIGNAL       e.g. SIGTERM: after recording, the tool kills itself with it
//   FAKE_TOOL_STDOUT       text written to stdout after recording
//   FAKE_TOOL_STDERR       text written to stderr after recording
//   FAKE_TOOL_WAIT_SIGINT  N (>= 1): count SIGINTs, print "READY\n" to stdout, wait for
//                          N of them plus 500 ms for extra ones, record (sigints =
//                          count), exit 130. Stdin (if not a TTY) is read meanwhile
//                          and recorded as far as it arrived.
// Order of a run: read stdin (unless it is a TTY) -> append record -> write
// FAKE_TOOL_STDOUT/STDERR -> opts.runScript -> self-signal or exit.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface FakeToolRecord {
  /** Arguments after the program name, exactly as received. */
  argv: string[];
  env: Record<string, string>;
  pid: number;
  ppid: number;
  /** All of stdin (utf8), or '' when stdin is a TTY (then it is not read). */
  stdin: string;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  cwd: string;
  /** SIGINTs received (only counted with FAKE_TOOL_WAIT_SIGINT, else 0). */
  sigints: number;
}

export interface FakeToolOptions {
  /** Exit code when FAKE_TOOL_EXIT is not set (default 0). */
  exitCode?: number;
  /**
   * ES module body (top-level await allowed; import only `node:` builtins or
   * absolute URLs) run after the record was appended. It sees
   * `globalThis.fakeTool = { name, record, recordsFile }`. When it finishes the
   * tool exits with `process.exitCode` (preset to the configured exit code),
   * so the script may override it, or call process.exit itself. Await any
   * child processes it starts.
   */
  runScript?: string;
}

// The generated program deliberately uses no import/require/top-level await,
// so it runs the same whether node treats the extensionless file as CommonJS
// or as an ES module (that depends on the nearest package.json).
const FAKE_BODY = String.raw`
const fs = process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');
const tty = process.getBuiltinModule('node:tty');
const env = process.env;

function fail(err) {
  try {
    fs.writeSync(2, 'fake ' + NAME + ': ' + ((err && err.stack) || String(err)) + '\n');
  } finally {
    process.exit(70);
  }
}

function intFrom(text, fallback) {
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  return Number.isInteger(n) ? n : fallback;
}

function collectStdin() {
  const chunks = [];
  let done = false;
  const finished = new Promise((resolve) => {
    const end = () => { done = true; resolve(); };
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', end);
    process.stdin.on('error', end);
  });
  return {
    finished,
    text: () => Buffer.concat(chunks).toString('utf8'),
    stop: () => { if (!done) process.stdin.pause(); },
  };
}

function writeOut(stream, text) {
  if (text === undefined || text === '') return;
  stream.on('error', () => {});
  stream.write(text);
}

function appendRecord(file, record) {
  const line = JSON.stringify(record) + '\n';
  try {
    fs.appendFileSync(file, line);
  } catch (err) {
    if (!err || err.code !== 'ENOENT') throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, line);
  }
}

async function main() {
  const recordsFile = env.FAKE_TOOL_RECORDS || DEFAULT_RECORDS;
  const stdinIsTTY = tty.isatty(0);
  const stdoutIsTTY = tty.isatty(1);
  const waitFor = env.FAKE_TOOL_WAIT_SIGINT === undefined ? 0 : Math.max(1, intFrom(env.FAKE_TOOL_WAIT_SIGINT, 1));
  let exitCode = intFrom(env.FAKE_TOOL_EXIT, DEFAULT_EXIT);
  let sigints = 0;
  let stdin = '';

  if (waitFor > 0) {
    let wake = () => {};
    const onSigint = () => { sigints += 1; wake(); };
    process.on('SIGINT', onSigint);
    const reader = stdinIsTTY ? undefined : collectStdin();
    process.stdout.write('READY\n');
    // Signal listeners do not keep node alive: hold the event loop open.
    const keepAlive = setInterval(() => {}, 60 * 60 * 1000);
    await new Promise((resolve) => {
      wake = () => { if (sigints >= waitFor) resolve(); };
      wake();
    });
    clearInterval(keepAlive);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (reader) { stdin = reader.text(); reader.stop(); }
    exitCode = 130;
  } else if (!stdinIsTTY) {
    const reader = collectStdin();
    await reader.finished;
    stdin = reader.text();
  }

  const record = {
    argv: process.argv.slice(2),
    env: { ...env },
    pid: process.pid,
    ppid: process.ppid,
    stdin,
    stdinIsTTY,
    stdoutIsTTY,
    cwd: process.cwd(),
    sigints,
  };
  appendRecord(recordsFile, record);

  writeOut(process.stdout, env.FAKE_TOOL_STDOUT);
  writeOut(process.stderr, env.FAKE_TOOL_STDERR);

  if (RUN_SCRIPT !== null) {
    globalThis.fakeTool = { name: NAME, record, recordsFile };
    process.exitCode = exitCode;
    await import('data:text/javascript;charset=utf-8,' + encodeURIComponent(RUN_SCRIPT));
    exitCode = process.exitCode === undefined ? exitCode : Number(process.exitCode);
  }

  const sig = env.FAKE_TOOL_SIGNAL;
  if (sig) {
    process.removeAllListeners(sig);
    process.kill(process.pid, sig);
    // Only reached if the signal is ignored or handled elsewhere.
    const num = (process.getBuiltinModule('node:os').constants.signals || {})[sig];
    setTimeout(() => process.exit(num ? 128 + num : 1), 1000);
    return;
  }
  process.exit(exitCode);
}

main().catch(fail);
`;

/**
 * Write an executable fake `dir/name` (dir is created if needed). Returns its
 * path and its default records file `dir/name.records.jsonl` (an existing
 * records file is left as it is).
 */
export function createFakeTool(
  dir: string,
  name: string,
  opts: FakeToolOptions = {},
): { path: string; recordsFile: string } {
  if (name === '' || name.includes('/'))
    throw new Error(`fake tool name must be a plain file name: ${JSON.stringify(name)}`);
  const node = process.execPath;
  if (/\s/.test(node) || node.length > 200) {
    throw new Error(`cannot use ${JSON.stringify(node)} in a #! line (whitespace or too long)`);
  }
  const exitCode = opts.exitCode ?? 0;
  if (!Number.isInteger(exitCode)) throw new Error(`exitCode must be an integer, got ${exitCode}`);

  const absDir = resolve(dir);
  mkdirSync(absDir, { recursive: true });
  const path = join(absDir, name);
  const recordsFile = `${path}.records.jsonl`;
  const header = [
    `#!${node}`,
    `// Fake ${name} generated by test/support/fake-tool.ts: records each run as one JSON line.`,
    `const NAME = ${JSON.stringify(name)};`,
    `const DEFAULT_RECORDS = ${JSON.stringify(recordsFile)};`,
    `const DEFAULT_EXIT = ${JSON.stringify(exitCode)};`,
    `const RUN_SCRIPT = ${JSON.stringify(opts.runScript ?? null)};`,
  ].join('\n');
  writeFileSync(path, header + '\n' + FAKE_BODY, { mode: 0o755 });
  chmodSync(path, 0o755); // writeFileSync's mode only applies to new files (and umask)
  return { path, recordsFile };
}

/** All records appended so far, oldest first; [] if the tool never ran. */
export function readRecords(recordsFile: string): FakeToolRecord[] {
  let text: string;
  try {
    text = readFileSync(recordsFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const records: FakeToolRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    try {
      records.push(JSON.parse(line) as FakeToolRecord);
    } catch (err) {
      throw new Error(`${recordsFile}:${i + 1}: not a JSON record (${(err as Error).message}): ${line.slice(0, 200)}`);
    }
  });
  return records;
}
