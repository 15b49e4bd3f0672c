import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What a derived file (an overlay, a ticket) is bound to: the source file's absolute real path and the version
 * of it that was read (device, inode, size, modification time in ns). A relative AWS_CONFIG_FILE in two
 * directories names two identities; an edited or replaced file is a new version. A missing file has only a path.
 */
export interface FileIdentity {
  path: string;
  /** `dev:ino:size:mtimeNs`, or null when the file does not exist. */
  version: string | null;
}

export function fileIdentity(path: string): FileIdentity {
  const absolute = resolve(path);
  let real = absolute;
  try {
    real = realpathSync(absolute);
  } catch {
    // a missing file (or a dangling link): its absolute path is all there is
  }
  const stat = statSync(real, { bigint: true, throwIfNoEntry: false });
  return { path: real, version: stat ? `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}` : null };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.version === b.version;
}
