/**
 * The memory of tfmfa while it waits as the parent of a long run (server mode): starts the shim on a command
 * that waits, reads the parent's VmRSS from /proc once the child is running, then lets the child end.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WaitingParent {
  rssMb: number;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`bench: no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** `shim apply` with `real` replaced by a script that prints READY and waits for stdin to close. */
export async function waitingParentRss(
  shim: string,
  realDir: string,
  env: Record<string, string>,
): Promise<WaitingParent> {
  const waiter = join(realDir, 'terraform');
  const original = readFileSync(waiter);
  writeFileSync(waiter, '#!/bin/sh\necho READY\nread -r _\n', { mode: 0o755 });
  try {
    const child = spawn(shim, ['apply'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('READY')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`bench: server-mode shim exited (${code}) before its child was ready`)),
      );
    });
    // Let the server settle (the first request is the child's, which this waiter never makes).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const kb = rssKb(child.pid as number);
    child.stdin.end('\n');
    await new Promise((resolve) => child.once('exit', resolve));
    return { rssMb: kb / 1024 };
  } finally {
    writeFileSync(waiter, original, { mode: 0o755 });
  }
}
