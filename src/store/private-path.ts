import { warnOnce } from '../debug.ts';
import { variableName } from '../environment/variables.ts';
import { UserError } from '../errors.ts';

/**
 * The private-path rule, the one check behind every reader and writer of the cache (the shell launcher
 * checks ownership and symlinks with test -O / -L, and trusts modes only as Node last checked them: see
 * ticket-trust.ts): a path tfmfa uses must be a real directory (or regular file), not a symlink, owned by the
 * current user, and closed to group and others.
 */
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type PathKind = 'dir' | 'file';

export type PathProblem =
  | { problem: 'missing' }
  | { problem: 'wrong-type'; symlink: boolean }
  | { problem: 'foreign-owner'; uid: number; me: number }
  | { problem: 'open-mode'; mode: string };

/** What is wrong with `path` under the rule, or null when nothing is. Never throws. */
export function privatePathProblem(path: string, kind: PathKind): PathProblem | null {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return { problem: 'missing' };
  }
  if (stat.isSymbolicLink() || (kind === 'dir' ? !stat.isDirectory() : !stat.isFile()))
    return { problem: 'wrong-type', symlink: stat.isSymbolicLink() };
  const me = process.getuid?.();
  if (me !== undefined && stat.uid !== me) return { problem: 'foreign-owner', uid: stat.uid, me };
  if ((stat.mode & 0o077) !== 0) return { problem: 'open-mode', mode: (stat.mode & 0o777).toString(8) };
  return null;
}

export function isPrivate(path: string, kind: PathKind): boolean {
  return privatePathProblem(path, kind) === null;
}

/** The problem in words, and the fix, for errors and for doctor. */
export function explainProblem(
  path: string,
  kind: PathKind,
  found: Exclude<PathProblem, { problem: 'missing' }>,
): { what: string; fix: string } {
  const elsewhere = `set ${variableName('cacheDir')} to a directory of your own`;
  switch (found.problem) {
    case 'wrong-type':
      return {
        what:
          `${path} ` +
          `is ${found.symlink ? 'a symlink' : `not a ${kind === 'dir' ? 'directory' : 'regular file'}`}: tfmfa ` +
          `refuses to use it`,
        fix: `remove it (rm -r ${path}) or ${elsewhere}`,
      };
    case 'foreign-owner':
      return {
        what: `${path} is owned by uid ${found.uid}, not you (uid ${found.me})`,
        fix: `remove it (sudo rm -r ${path}) or ${elsewhere}`,
      };
    case 'open-mode':
      return {
        what: `${path} is open to other users (mode ${found.mode})`,
        fix: `chmod ${kind === 'dir' ? '700' : '600'} ${path}`,
      };
  }
}

/** Whose path it is, for the messages: the cache (the default) or another private directory of tfmfa's. */
export interface PathRole {
  /** `cache`, `key store`. */
  name: string;
  /** Where else it can be put, or undefined when only the path itself can be fixed. */
  elsewhere?: string;
}

const CACHE: PathRole = { name: 'cache', elsewhere: `set ${variableName('cacheDir')}` };

/** Throws the rule's one-line error for `path`; a missing path is `false` (nothing there yet). */
export function checkPrivate(
  path: string,
  kind: PathKind,
  options: { allowOpenMode?: boolean; role?: PathRole } = {},
): boolean {
  const found = privatePathProblem(path, kind);
  if (found === null) return true;
  const role = options.role ?? CACHE;
  const noun = `${role.name} ${kind === 'dir' ? 'directory' : 'file'}`;
  const or = (where: string) => (role.elsewhere ? ` or ${role.elsewhere} ${where}` : '');
  switch (found.problem) {
    case 'missing':
      return false;
    case 'wrong-type':
      throw new UserError(
        `${role.name} path ${path} is not a ${kind === 'dir' ? 'directory' : 'regular file'} (or is a ` +
          `symlink): remove it${or('elsewhere')}`,
      );
    case 'foreign-owner':
      throw new UserError(
        `${noun} ${path} is owned by uid ${found.uid}, not you (uid ${found.me}): remove ` +
          `it${or('to a directory of your own')}`,
      );
    case 'open-mode':
      if (options.allowOpenMode) return true;
      throw new UserError(
        `${noun} ${path} is open to other users (mode ${found.mode}): run ` +
          `'chmod ${kind === 'dir' ? '700' : '600'} ${path}'`,
      );
  }
}

/** The cache directory cannot be created (read-only or full disk, no permission): tfmfa can still work uncached. */
export class CacheUnavailableError extends UserError {}

/** One warning per run, however many places find the cache unusable. */
export function warnUncached(error: Error): void {
  warnOnce('cache-unavailable', `${error.message}: continuing without a session cache`);
}

/** Makes sure `path` is a private directory: created 0700 if missing, else checked by the rule (for `role`). */
export function ensurePrivateDir(path: string, role: PathRole = CACHE): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = realMkdirError(path, error as Error).message;
    const message =
      `cannot create ${role.name} ` +
      `directory ${path}: ${reason}${role.elsewhere ? `; ${role.elsewhere} to a writable directory` : ''}`;
    throw role === CACHE ? new CacheUnavailableError(message) : new UserError(message, 2);
  }
  checkPrivate(path, 'dir', { role });
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
