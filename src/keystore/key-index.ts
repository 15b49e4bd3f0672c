import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import { writeUserFileAtomic } from '../store/atomic-write.ts';
import { ensureKeystoreDir } from './keystore-dir.ts';
import { BACKEND_NAMES, type BackendName } from './settings.ts';

/**
 * The key index: which profiles have stored keys, in which backend, under which access key id. It holds no
 * secret, so chain resolution reads it on every run (one small file) without touching a keyring or asking
 * for a passphrase; the secret itself is fetched only when an STS call needs it.
 */
export interface KeyIndexEntry {
  backend: BackendName;
  accessKeyId: string;
  addedAt: string;
  /** Set while `tfmfa rotate` replaces key `from` by key `to` (see session/key-rotation.ts); absent otherwise. */
  rotation?: RotationMarker;
}

/** An unfinished rotation: the next `tfmfa rotate` finishes it or undoes it. */
export interface RotationMarker {
  from: string;
  to: string;
  startedAt: string;
}

export type KeyIndex = Map<string, KeyIndexEntry>;

interface IndexDocument {
  version: 1;
  profiles: Record<string, KeyIndexEntry>;
}

/** The index at `path`; empty when there is none. A damaged index is a one-line error. */
export function readKeyIndex(path: string): KeyIndex {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new UserError(
      `cannot read the key index ${path} (${(error as NodeJS.ErrnoException).code}): fix its permissions`,
      2,
    );
  }
  const damaged = () =>
    new UserError(`the key index ${path} is damaged: remove it and add the keys again ('tfmfa add PROFILE')`, 2);
  let document: IndexDocument;
  try {
    document = JSON.parse(text) as IndexDocument;
  } catch {
    throw damaged();
  }
  if (document?.version !== 1 || typeof document.profiles !== 'object' || document.profiles === null) throw damaged();
  const index: KeyIndex = new Map();
  for (const [profile, entry] of Object.entries(document.profiles)) {
    if (
      !entry ||
      !(BACKEND_NAMES as readonly string[]).includes(entry.backend) ||
      typeof entry.accessKeyId !== 'string'
    )
      throw damaged();
    const rotation = entry.rotation === undefined ? undefined : rotationMarker(entry.rotation);
    if (rotation === null) throw damaged();
    index.set(profile, {
      backend: entry.backend,
      accessKeyId: entry.accessKeyId,
      addedAt: String(entry.addedAt ?? ''),
      ...(rotation ? { rotation } : {}),
    });
  }
  return index;
}

function rotationMarker(value: unknown): RotationMarker | null {
  const marker = value as Partial<RotationMarker> | null;
  if (typeof marker?.from !== 'string' || typeof marker.to !== 'string') return null;
  return { from: marker.from, to: marker.to, startedAt: String(marker.startedAt ?? '') };
}

/** Replaces the index atomically (0600 in a 0700 directory). Call under the key store's lock. */
export function writeKeyIndex(path: string, index: KeyIndex): void {
  ensureKeystoreDir(dirname(path));
  const profiles: Record<string, KeyIndexEntry> = Object.create(null) as Record<string, KeyIndexEntry>;
  for (const [profile, entry] of [...index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) profiles[profile] = entry;
  writeUserFileAtomic(path, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`);
}
