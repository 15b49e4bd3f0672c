import type { Settings } from '../environment/settings.ts';
import { spawn } from 'node:child_process';
import which from 'which';
import { applyChanges } from '../environment/changes.ts';

/** The first executable file named `name` on PATH, or undefined (the same lookup as the commands exec runs). */
export function findProgram(name: string, settings: Settings): string | undefined {
  return which.sync(name, { nothrow: true, path: settings.path ?? '' }) ?? undefined;
}

export type ProgramOutcome =
  | { kind: 'exited'; exitCode: number; stdout: string; stderr: string }
  | { kind: 'timeout'; stderr: string }
  | { kind: 'missing' }
  | { kind: 'failed'; message: string };

export interface ProgramOptions {
  /** The environment the program's is built from (applyChanges). */
  env: NodeJS.ProcessEnv;
  timeoutSeconds: number;
  /** Called with each line the program writes on stderr, as it comes. */
  onStderrLine?: (line: string) => void;
}

const KILL_GRACE_MS = 2_000;

/**
 * Runs a prompt program (a dialog, ykman) with no stdin and its stdout captured (where the code comes back;
 * the code is never in its arguments or environment). A program still running after the timeout is
 * terminated (SIGTERM, then SIGKILL).
 */
export function runProgram(file: string, args: string[], options: ProgramOptions): Promise<ProgramOutcome> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let pending = '';
    let timedOut = false;
    let settled = false;
    const finish = (outcome: ProgramOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      resolve(outcome);
    };
    const child = spawn(file, args, { env: applyChanges(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killer.unref();
    }, options.timeoutSeconds * 1000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!options.onStderrLine) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach((line) => options.onStderrLine?.(line));
      // ykman's touch notice ends without a newline while it waits: pass on a partial line that looks finished.
      if (/\.\.\.\s*$/.test(pending)) {
        options.onStderrLine(pending);
        pending = '';
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', message: error.message });
    });
    child.on('close', (code, signal) => {
      if (timedOut) return finish({ kind: 'timeout', stderr });
      finish({ kind: 'exited', exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** The last non-empty line a program wrote on stderr (for a one-line error), without a GTK warning's noise. */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
