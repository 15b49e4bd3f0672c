import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debug } from '../debug.ts';
import { createFileOnce } from './atomic-write.ts';
import { UserError } from '../errors.ts';
import { cancelMarkerPath, locksDir, saltPath } from './layout.ts';
import { cancelledSince, isCancellation, readCancellation, recordCancellation } from './cancel-marker.ts';
import { CacheUnavailableError, ensurePrivateDir } from './private-path.ts';

const POLL_MS = 100;

export interface LockOptions {
  cacheDir: string;
  /** What the lock protects, e.g. an MFA device ARN. */
  key: string;
  /** The same for people: 'the MFA device arn:…'. */
  description: string;
  timeoutSeconds: number;
  /**
   * A prompt cancelled under the lock (work fails with exit 130) ends every process that was already waiting
   * for it, with the same line, instead of each asking in turn (store/cancel-marker.ts).
   */
  shareCancellation?: boolean;
}

type Release = () => Promise<void>;
/** Tries once: a release function when the lock was taken, null when another process holds it. */
type TryLock = () => Promise<Release | null>;

/**
 * Runs `work` while holding a cross-process lock, waiting (bounded by `timeoutSeconds`) while another tfmfa
 * holds it. On Linux the lock is an abstract UNIX socket name: binding it is atomic and the kernel releases it
 * the moment its holder dies, however it dies, so a dead holder never blocks and two waiters can never both
 * take over. Elsewhere it is a proper-lockfile lock directory with a heartbeat. With `shareCancellation`, a
 * cancelled prompt of the holder ends the waiters too (store/cancel-marker.ts).
 */
export async function withLock<T>(options: LockOptions, work: () => Promise<T>): Promise<T> {
  const locks = locksDir(options.cacheDir);
  const name = createHash('sha256').update(options.key).digest('hex').slice(0, 40);
  let tryLock: TryLock;
  try {
    ensurePrivateDir(locks);
    tryLock = process.platform === 'linux' ? socketLock(options.cacheDir, name) : await directoryLock(locks, name);
  } catch (error) {
    // A full or read-only disk: the caller works without the cache (and so without the lock).
    if (error instanceof UserError) throw error;
    throw new CacheUnavailableError(
      `cannot prepare the lock in ${locks} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const marker = options.shareCancellation ? cancelMarkerPath(options.cacheDir, name) : undefined;
  // Read before the first try: a cancellation written after this is one this process was waiting through.
  const seen = marker ? readCancellation(marker) : undefined;
  const cancelled = () => (marker ? cancelledSince(marker, seen) : undefined);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let release = await tryLock();
  if (!release) debug(`lock for ${options.key} is held by another tfmfa: waiting`);
  while (!release) {
    const cancellation = cancelled();
    if (cancellation) throw sharedCancellation(options.key, cancellation);
    if (Date.now() >= deadline) {
      throw new UserError(
        `timed out after ${options.timeoutSeconds}s waiting for another tfmfa process ` +
          `using ${options.description} (probably waiting for its MFA code); stop that process, or raise ` +
          `TFMFA_LOCK_TIMEOUT`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    release = await tryLock();
  }
  // The holder that cancelled wrote its marker before letting go: a waiter that took over sees it here.
  const cancellation = cancelled();
  if (cancellation) {
    await release();
    throw sharedCancellation(options.key, cancellation);
  }
  try {
    return await work();
  } catch (error) {
    // Written while the lock is still held, so that no waiter can take over without seeing it.
    if (marker && isCancellation(error)) recordCancellation(marker, error.message);
    throw error;
  } finally {
    await release();
  }
}

function sharedCancellation(key: string, error: UserError): UserError {
  debug(`the prompt this run was waiting for (${key}) was cancelled in another tfmfa run`);
  return error;
}

/**
 * A per-user random salt (0600, in the 0700 cache) makes the socket names unguessable, so another user cannot
 * squat them. The first writer wins through link(2); everyone then reads the same salt.
 */
function userSalt(cacheDir: string): string {
  const path = saltPath(cacheDir);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    createFileOnce(path, randomBytes(16).toString('hex'));
    return readFileSync(path, 'utf8').trim();
  }
}

function socketLock(cacheDir: string, name: string): TryLock {
  const address = `\0tfmfa-${process.getuid?.() ?? 0}-${userSalt(cacheDir)}-${name}`;
  return async () => {
    const net = await import('node:net');
    const server = net.createServer();
    const taken = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
      );
      server.listen(address, () => resolve(true));
    });
    if (!taken) return null;
    server.unref();
    return () => new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** proper-lockfile: a lock directory whose holder refreshes its mtime; one left by a dead holder goes stale. */
async function directoryLock(locksDir: string, name: string): Promise<TryLock> {
  const lockfile = await import('proper-lockfile');
  const target = join(locksDir, name);
  closeSync(openSync(target, 'a', 0o600));
  return async () => {
    try {
      const release = await lockfile.lock(target, {
        stale: 4000,
        update: 1000,
        realpath: false,
        onCompromised: (error: Error) => debug(`lock ${name} was taken over: ${error.message}`),
      });
      return () => release().catch(() => undefined);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOCKED' || code === 'ENOENT' || code === 'ENOTEMPTY') return null;
      throw error;
    }
  };
}
