/**
 * What a ticket records about each AWS file it was made from: the file's real path and its identity
 * (device, inode, size, modification time in ns), or that there was no file. A ticket is used only while the
 * file the environment names is still that same file, unchanged: never for a file of the same name elsewhere
 * (a relative AWS_CONFIG_FILE in another directory), never after the file was replaced or edited.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** `real` is the absolute real path; `id` is "dev:ino:size:mtimeNs". */
export interface FileStamp {
  real: string;
  id: string;
}

/** The file's stamp, null when there is no file (not even a dangling symlink), undefined when it cannot be told. */
export function fileStamp(path: string): FileStamp | null | undefined {
  try {
    const real = realpathSync(path);
    const stat = statSync(real, { bigint: true });
    return { real, id: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    return lstatSync(path, { throwIfNoEntry: false }) === undefined ? null : undefined;
  }
}

export function sameStamp(a: FileStamp | null | undefined, b: FileStamp | null): boolean {
  if (a === undefined) return false;
  if (a === null || b === null) return a === b;
  return a.real === b.real && a.id === b.id;
}

/**
 * The same, in the form the config overlay's stamp keeps: the absolute (real, where it exists) path and the
 * version, null for a missing file or one that cannot be told.
 */
export interface FileIdentity {
  path: string;
  version: string | null;
}

export function fileIdentity(path: string): FileIdentity {
  const stamp = fileStamp(path);
  return stamp ? { path: stamp.real, version: stamp.id } : { path: resolve(path), version: null };
}
