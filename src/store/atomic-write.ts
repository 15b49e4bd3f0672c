// On the shim's hot path (a ticket renews its stamp): builtins through process.getBuiltinModule.
const { closeSync, fchmodSync, linkSync, openSync, renameSync, unlinkSync, utimesSync, writeSync } = process.getBuiltinModule('node:fs');

let writes = 0;

/**
 * Every file tfmfa writes goes through here: a temp file in the same directory (pid + counter, created with
 * O_EXCL, exactly `mode` whatever the umask), then `publish` moves it into place. Whatever fails (a full
 * disk, a read-only file system), the temp file is removed before the error goes on: nothing is left behind.
 */
export function withTempFile(path: string, data: string, mode: number, publish: (temp: string) => void): void {
  const temp = `${path}.${process.pid}.${++writes}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    fchmodSync(fd, mode); // exactly `mode`, whatever the umask
    if (data !== '') writeSync(fd, data);
    closeSync(fd);
    fd = undefined;
    publish(temp);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw error;
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
