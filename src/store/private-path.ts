import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { warnOnce } from '../debug.ts';
import { UserError } from '../errors.ts';

/** The cache directory cannot be created (read-only or full disk, no permission): tfmfa can still work uncached. */
export class CacheUnavailableError extends UserError {}

/** One warning per run, however many places find the cache unusable. */
export function warnUncached(error: Error): void {
  warnOnce('cache-unavailable', `${error.message}: continuing without a session cache`);
}

/**
 * Makes sure `path` is a directory only its owner can use: created 0700 if missing,
 * refused when it is a symlink, owned by another user, or open to group/others.
 */
export function ensurePrivateDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CacheUnavailableError(`cannot create cache directory ${path}: ${realMkdirError(path, error as Error).message}; set TFMFA_CACHE_DIR to a writable directory`);
  }
  checkPrivateDir(path);
}

export function checkPrivateDir(path: string): void {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) throw new UserError(`cache path ${path} is not a directory (or is a symlink): remove it or set TFMFA_CACHE_DIR elsewhere`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UserError(`cache directory ${path} is owned by uid ${stat.uid}, not you (uid ${uid}): remove it or set TFMFA_CACHE_DIR to a directory of your own`);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new UserError(`cache directory ${path} is open to other users (mode ${mode}): run 'chmod 700 ${path}'`);
  }
}

/** A recursive mkdir reports ENOENT on a read-only file system; a plain one, when the parent exists, says EROFS. */
function realMkdirError(path: string, error: Error): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(dirname(path))) return error;
  try {
    mkdirSync(path, { mode: 0o700 });
    return error;
  } catch (plain) {
    return plain as Error;
  }
}
