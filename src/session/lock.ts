import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import { ensurePrivateDir } from './private-dir.ts';

/** A lock whose holder died is taken over after this long without its heartbeat. */
const STALE_MS = 4000;
const HEARTBEAT_MS = 1000;
const POLL_MS = 100;

export interface LockOptions {
  cacheDir: string;
  /** What the lock protects, e.g. an MFA device ARN. */
  key: string;
  /** The same for people: 'the MFA device arn:…'. */
  description: string;
  timeoutSeconds: number;
  /** Called once when the lock is busy and this process starts waiting. */
  onWait?: () => void;
}

/**
 * Runs `work` while holding a cross-process lock (proper-lockfile: a lock directory with a heartbeat,
 * so a holder that dies is recovered after a few seconds). Waiting is bounded by `timeoutSeconds`.
 */
export async function withLock<T>(options: LockOptions, work: () => Promise<T>): Promise<T> {
  const lockfile = await import('proper-lockfile');
  const locksDir = join(options.cacheDir, 'locks');
  ensurePrivateDir(locksDir);
  const name = createHash('sha256').update(options.key).digest('hex').slice(0, 40);
  const target = join(locksDir, name);
  closeSync(openSync(target, 'a', 0o600));
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let compromised: Error | undefined;
  let waited = false;
  let release: (() => Promise<void>) | undefined;
  while (!release) {
    try {
      release = await lockfile.lock(target, {
        stale: STALE_MS,
        update: HEARTBEAT_MS,
        realpath: false,
        onCompromised: (error: Error) => {
          compromised = error;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (!waited) {
        waited = true;
        debug(`lock for ${options.key} is held by another tfmfa: waiting`);
        options.onWait?.();
      }
      if (Date.now() >= deadline) {
        throw new UserError(`timed out after ${options.timeoutSeconds}s waiting for another tfmfa process using ${options.description} (probably waiting for its MFA code); if none is running, remove ${target}.lock (TFMFA_LOCK_TIMEOUT sets the wait)`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
    if (compromised) debug(`lock for ${options.key} was taken over while held: ${compromised.message}`);
  }
}
