// Drive a command inside a real pseudo-terminal, without native modules:
// the pty is created by the small python helper ./pty-run.py, which relays
// our writes to the pty master and the master's output to its stdout.
//
//   const s = spawnInPty('sh', ['-c', 'read x; echo "got[$x]"']);
//   s.write('hello\r');                 // typed: the terminal echoes it
//   await s.waitFor(/got\[hello\]/);
//   const { code, signal } = await s.exited;
//
// Output is raw terminal output: "\n" printed by the command arrives as
// "\r\n" and typed text is echoed. "\x03" typed is SIGINT for the foreground
// process group.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface PtySession {
  /** pid of the pty-run.py driver (not of the command). */
  readonly pid: number;
  /** Type into the terminal. */
  write(text: string): void;
  /** Everything the terminal showed so far (raw, "\r\n" line ends, echo included). */
  output(): string;
  /**
   * Resolves with output() as soon as it matches; rejects (message includes
   * the output so far) after timeoutMs (default 10000) or if the command's
   * terminal closes before a match.
   */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** The inner command's status; resolves after all of its output was collected. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Kill the inner command (its process group gets SIGHUP, then SIGKILL). */
  kill(): void;
}

export const PTY_RUN_SCRIPT = fileURLToPath(new URL('./pty-run.py', import.meta.url));

function pythonCommand(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function signalName(num: number): string {
  for (const [name, n] of Object.entries(osConstants.signals)) {
    if (n === num) return name;
  }
  return `SIG${num}`;
}

function matches(text: string, pattern: string | RegExp): boolean {
  if (typeof pattern === 'string') return text.includes(pattern);
  pattern.lastIndex = 0; // tolerate /g and /y patterns
  return pattern.test(text);
}

function showOutput(text: string): string {
  return JSON.stringify(text);
}

interface Waiter {
  pattern: string | RegExp;
  resolve(text: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export function spawnInPty(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): PtySession {
  const driverArgs = [PTY_RUN_SCRIPT];
  if (opts.cwd !== undefined) driverArgs.push('--cwd', opts.cwd);
  driverArgs.push('--', command, ...args);
  const child = spawn(pythonCommand(), driverArgs, {
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let out = '';
  let err = '';
  let closed = false;
  let waiters: Waiter[] = [];

  const settleWaiters = (): void => {
    waiters = waiters.filter((w) => {
      if (!matches(out, w.pattern)) return true;
      clearTimeout(w.timer);
      w.resolve(out);
      return false;
    });
  };

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    settleWaiters();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
  });
  child.stdin.on('error', () => {
    // The driver is gone (EPIPE): nothing more can be typed.
  });

  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.on('error', (e) => {
      closed = true;
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`could not start pty driver: ${e.message}`));
      }
      waiters = [];
      reject(e);
    });
    child.on('close', (driverCode, driverSignal) => {
      closed = true;
      settleWaiters();
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(
          new Error(
            `terminal closed before output matched ${String(w.pattern)}; output so far: ${showOutput(out)}` +
              (err.trim() ? `; driver stderr: ${JSON.stringify(err)}` : ''),
          ),
        );
      }
      waiters = [];
      const lines = err.trimEnd().split('\n');
      const last = lines[lines.length - 1] ?? '';
      try {
        const status = JSON.parse(last) as { code: number | null; signal: number | null };
        resolve({
          code: status.code,
          signal: status.signal === null ? null : signalName(status.signal),
        });
        return;
      } catch {
        // The driver itself died (e.g. SIGKILL) before reporting: use its status.
      }
      resolve({ code: driverCode, signal: driverSignal });
    });
  });
  exited.catch(() => {
    // Avoid unhandled rejections for callers that never await `exited`.
  });

  return {
    get pid(): number {
      return child.pid ?? -1;
    },
    write(text: string): void {
      if (!closed && child.stdin.writable) child.stdin.write(text);
    },
    output(): string {
      return out;
    },
    waitFor(pattern: string | RegExp, timeoutMs = 10000): Promise<string> {
      if (matches(out, pattern)) return Promise.resolve(out);
      if (closed) {
        return Promise.reject(
          new Error(`terminal already closed; output never matched ${String(pattern)}: ${showOutput(out)}`),
        );
      }
      return new Promise<string>((resolve, reject) => {
        const waiter: Waiter = {
          pattern,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            reject(
              new Error(
                `timed out after ${timeoutMs} ms waiting for ${String(pattern)}; output so far: ${showOutput(out)}`,
              ),
            );
          }, timeoutMs),
        };
        waiters.push(waiter);
      });
    },
    exited,
    kill(): void {
      if (!closed && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
