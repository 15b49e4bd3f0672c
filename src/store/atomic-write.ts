import { closeSync, fchmodSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

let writes = 0;

/**
 * Writes a file (0600 unless told otherwise) all at once: a temp file in the same directory, then rename over
 * the target, so a reader never sees half of it. The temp name (pid + counter, created with O_EXCL) is unique
 * among live processes without loading node:crypto.
 */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.${++writes}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    fchmodSync(fd, mode); // exactly `mode`, whatever the umask
    writeSync(fd, data);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // the temp file was never created or is already gone
    }
    throw error;
  }
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
