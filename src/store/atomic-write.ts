import { UserError } from '../errors.ts';

import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

let writes = 0;

/**
 * A write that did not complete: the file it was for is untouched (its temp file removed). `code` is the
 * errno code (ENOSPC, EFBIG...) so that callers which work on without a cache still recognise it; the
 * message is one line naming the file, the cause and what to do.
 */
export class WriteFailedError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(path: string, cause: unknown, message?: string) {
    const code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO';
    super(message ?? `cannot write ${path} (it is unchanged): ${explainWriteFailure(code, dirname(path))}`);
    this.name = 'WriteFailedError';
    this.code = code;
    this.path = path;
  }
}

/** What went wrong and what to do, for an errno code met while writing a file in `dir`. */
function explainWriteFailure(code: string, dir: string): string {
  switch (code) {
    case 'ENOSPC':
      return (
        `no space left on the device (ENOSPC): free some space on the file system of ${dir} and run the ` +
        `command again`
      );
    case 'EDQUOT':
      return `disk quota exceeded (EDQUOT): free some space or raise the quota, then run the command again`;
    case 'EFBIG':
      return `file size limit exceeded (EFBIG): raise the limit (ulimit -f) and run the command again`;
    case 'EROFS':
      return `the file system is read-only (EROFS): remount it read-write or point tfmfa elsewhere`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}): make ${dir} writable for you`;
    case 'ENOENT':
      return `the directory ${dir} does not exist (ENOENT): create it`;
    default:
      return `${code}: check the file system of ${dir} and run the command again`;
  }
}

/** Writes every byte of `data` to `fd`: a short write (a full disk, a file-size limit) goes on until it fails. */
function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    const written = writeSync(fd, data, offset, data.length - offset);
    if (written <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'ENOSPC' });
    offset += written;
  }
}

/** fsync(2) on a directory, so that a rename in it survives a crash (best effort: the rename is done either way). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // a file system that cannot sync directories: the rename stands, only its durability is the kernel's
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Every file tfmfa writes goes through here: a temp file in the same directory (pid + counter, created with
 * O_EXCL, exactly `mode` whatever the umask), every byte written (a short write is never taken for a whole
 * one) and fsync'd, then `publish` moves it into place. Whatever fails (a full disk, a file-size limit, a
 * read-only file system), the temp file is removed and the target left as it was; the error is a
 * WriteFailedError (one line, with the errno code). Node ignores SIGXFSZ, so a file-size limit is EFBIG here
 * (test/e2e/short-write.test.ts holds it).
 */
export function withTempFile(path: string, data: string, mode: number, publish: (temp: string) => void): void {
  const temp = `${path}.${process.pid}.${++writes}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    fchmodSync(fd, mode); // exactly `mode`, whatever the umask
    if (data !== '') {
      writeAll(fd, Buffer.from(data, 'utf8'));
      fsyncSync(fd); // the bytes are on disk before the name points at them
    }
    closeSync(fd);
    fd = undefined;
    publish(temp);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // the write error is the one to report
      }
    }
    throw error instanceof WriteFailedError ? error : new WriteFailedError(path, error);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // renamed into place, never created, or already gone
    }
  }
}

/** Writes a file (0600 unless told otherwise) all at once: a reader never sees half of it. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  withTempFile(path, data, mode, (temp) => renameSync(temp, path));
}

/**
 * The file a user-owned path stands for: `path` itself, or, through symlinks (a dotfiles checkout), the file
 * they lead to, so that an edit lands where the bytes are and the link stays. A link to nothing is refused.
 */
export function resolveUserFile(path: string): string {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return path; // not there yet: created where it was named
  }
  if (!stat.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch (error) {
    let target = '?';
    try {
      target = resolve(dirname(path), readlinkSync(path));
    } catch {
      // keep '?'
    }
    throw new UserFileError(
      error,
      `${path} is a symlink to ${target}, which does not exist ` +
        `(${(error as NodeJS.ErrnoException).code ?? 'ENOENT'}): create that file, or remove the link, and run ` +
        `the command again`,
    );
  }
}

/**
 * Replaces a file the user cares about (the AWS files, the key vault, the key index): written where its bytes
 * are (through symlinks, which stay), every byte fsync'd, renamed, and the directory fsync'd so that the
 * rename itself survives a crash. All or nothing: on any failure the file is as it was.
 */
export function writeUserFileAtomic(path: string, data: string, mode = 0o600): void {
  const target = resolveUserFile(path);
  try {
    withTempFile(target, data, mode, (temp) => {
      renameSync(temp, target);
      syncDirectory(dirname(target));
    });
  } catch (error) {
    throw error instanceof WriteFailedError ? new UserFileError(error, error.message) : error;
  }
}

/** A user file that could not be written: printed as one line, non-zero exit (a UserError), errno code kept. */
export class UserFileError extends UserError {
  readonly code: string;
  constructor(cause: unknown, message: string) {
    super(message, 1);
    this.code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO';
  }
}

/** An empty 0600 file whose mtime is `seconds` (a stamp the shell compares with -nt), replaced atomically. */
export function writeStampAtomic(path: string, seconds: number): void {
  withTempFile(path, '', 0o600, (temp) => {
    utimesSync(temp, seconds, seconds);
    renameSync(temp, path);
  });
}

/** Creates `path` with `data` only if it does not exist yet (link(2): the first writer wins); false if it did. */
export function createFileOnce(path: string, data: string, mode = 0o600): boolean {
  let created = true;
  withTempFile(path, data, mode, (temp) => {
    try {
      linkSync(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      created = false;
    }
  });
  return created;
}

/** Removes a file; false when it was not there (or could not be removed). */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
