// Stand-ins for programs that cannot run here (kdialog needs KDE, osascript macOS, powershell.exe Windows,
// ykman a YubiKey, notify-send a notification daemon): small Node scripts on PATH that record exactly how
// they were called and answer as the real program does.
//
//   const kdialog = createStandIn(binDir, 'kdialog');
//   kdialog.plan([{ stdout: '123456\n' }]);        // one step per call, the last one repeats
//   ... run tfmfa with binDir on PATH ...
//   kdialog.calls()                                 // [{ argv, stdinIsTTY, env }]
//
// A YubiKey stand-in (createYkman) answers `ykman oath accounts code --single NAME` from a table of
// accounts, like the real CLI: the code on stdout; "Touch your YubiKey..." on stderr and a pause for an
// account that needs a touch; "Error: No matching account found."; "ERROR: No YubiKey detected!" when the
// key is "removed".
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StandInStep {
  stdout?: string;
  stderr?: string;
  exit?: number;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
}

export interface StandInCall {
  argv: string[];
  stdinIsTTY: boolean;
  env: Record<string, string>;
}

export interface StandIn {
  path: string;
  plan(steps: StandInStep[]): void;
  calls(): StandInCall[];
  reset(): void;
}

function readCalls(file: string): StandInCall[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StandInCall)
    : [];
}

const GENERIC = String.raw`
const fs = process.getBuiltinModule('node:fs');
const tty = process.getBuiltinModule('node:tty');
const calls = fs.existsSync(CALLS) ? fs.readFileSync(CALLS, 'utf8').split('\n').filter(Boolean).length : 0;
fs.appendFileSync(
  CALLS,
  JSON.stringify({ argv: process.argv.slice(2), stdinIsTTY: tty.isatty(0), env: process.env }) + '\n',
);
const steps = fs.existsSync(PLAN) ? JSON.parse(fs.readFileSync(PLAN, 'utf8')) : [];
const step = steps[Math.min(calls, steps.length - 1)] || { exit: 0 };
setTimeout(() => {
  if (step.stderr) process.stderr.write(step.stderr);
  if (step.stdout) process.stdout.write(step.stdout);
  process.exitCode = step.exit || 0;
}, step.delayMs || 0);
`;

export function createStandIn(dir: string, name: string): StandIn {
  const path = join(dir, name);
  const callsFile = join(dir, `${name}.calls.jsonl`);
  const planFile = join(dir, `${name}.plan.json`);
  writeFileSync(
    path,
    `#!${process.execPath}\nconst CALLS = ${JSON.stringify(callsFile)};\nconst PLAN ` +
      `= ${JSON.stringify(planFile)};\n${GENERIC}`,
    { mode: 0o755 },
  );
  return {
    path,
    plan: (steps) => writeFileSync(planFile, JSON.stringify(steps)),
    calls: () => readCalls(callsFile),
    reset: () => writeFileSync(callsFile, ''),
  };
}

export interface YkmanAccount {
  code: string;
  touch?: boolean;
}

export interface Ykman {
  path: string;
  /** The OATH accounts on the "inserted" key; null: no key inserted. */
  setKey(accounts: Record<string, YkmanAccount> | null): void;
  calls(): StandInCall[];
}

const YKMAN = String.raw`
const fs = process.getBuiltinModule('node:fs');
const tty = process.getBuiltinModule('node:tty');
fs.appendFileSync(
  CALLS,
  JSON.stringify({ argv: process.argv.slice(2), stdinIsTTY: tty.isatty(0), env: process.env }) + '\n',
);
const args = process.argv.slice(2);
const fail = (message, code) => { process.stderr.write(message + '\n'); process.exit(code); };
if (args[0] !== 'oath' || args[1] !== 'accounts' || args[2] !== 'code') {
  fail('Usage: ykman [OPTIONS] COMMAND [ARGS]...\nError: No such command.', 2);
}
const single = args.includes('--single') || args.includes('-s');
const query = args.slice(3).filter((arg) => arg !== '--single' && arg !== '-s')[0] || '';
const key = fs.existsSync(KEY) ? JSON.parse(fs.readFileSync(KEY, 'utf8')) : null;
if (!key) fail('ERROR: No YubiKey detected!', 1);
const matches = Object.keys(key).filter((name) => name.toLowerCase().includes(query.toLowerCase()));
const exact = Object.keys(key).filter((name) => name.toLowerCase() === query.toLowerCase());
const found = exact.length ? exact : matches;
if (found.length === 0) fail('Error: No matching account found.', 1);
if (single && found.length > 1) fail('Error: Multiple matches, please make the query more specific.', 1);
const account = key[found[0]];
if (account.touch) {
  process.stderr.write('Touch your YubiKey...\n');
  setTimeout(() => process.stdout.write(account.code + '\n'), 1000);
} else {
  process.stdout.write(account.code + '\n');
}
`;

export function createYkman(dir: string): Ykman {
  const path = join(dir, 'ykman');
  const callsFile = join(dir, 'ykman.calls.jsonl');
  const keyFile = join(dir, 'ykman.key.json');
  writeFileSync(
    path,
    `#!${process.execPath}\nconst CALLS = ${JSON.stringify(callsFile)};\nconst KEY ` +
      `= ${JSON.stringify(keyFile)};\n${YKMAN}`,
    { mode: 0o755 },
  );
  return {
    path,
    setKey: (accounts) => writeFileSync(keyFile, JSON.stringify(accounts)),
    calls: () => readCalls(callsFile),
  };
}
