import type { Settings } from '../environment/settings.ts';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import { ownCacheDir } from '../store/clear.ts';
import { withLock } from '../store/lock.ts';
import { removeTicket } from '../store/ticket-write.ts';
import { FileBackend } from './file-backend.ts';
import { readKeyIndex, writeKeyIndex, type KeyIndexEntry } from './key-index.ts';
import { KeyringBackend, keyringStatus } from './keyring-backend.ts';
import { passphraseSource } from './passphrase.ts';
import { keyIndexPath, keystoreSettings, type BackendName, type KeystoreSettings } from './settings.ts';
import type { KeyBackend, LongTermKeys } from './types.ts';

/**
 * The key store: long-term keys in a backend (OS keyring or encrypted file) plus the non-secret index that
 * says which profile has keys where. Every change is a read-modify-write of the index (and of the vault)
 * under one cross-process lock, so concurrent `add`s lose nothing.
 */
export interface KeyStore {
  settings: KeystoreSettings;
  indexPath: string;
  /** The session cache, whose tickets a key change makes stale. */
  cacheDir: string;
  backend(name: BackendName): KeyBackend;
}

export function openKeyStore(settings: Settings): KeyStore {
  const keystore = keystoreSettings(settings);
  const backends = new Map<BackendName, KeyBackend>();
  return {
    settings: keystore,
    indexPath: keyIndexPath(settings),
    cacheDir: settings.cacheDir,
    backend(name) {
      let backend = backends.get(name);
      if (!backend) {
        backend = name === 'keyring' ? new KeyringBackend() : fileBackend(keystore);
        backends.set(name, backend);
      }
      return backend;
    },
  };
}

function fileBackend(settings: KeystoreSettings): FileBackend {
  const backend: FileBackend = new FileBackend(settings.dir, (creating, retry) =>
    passphraseSource(settings, backend.path)(creating, retry),
  );
  return backend;
}

export interface BackendChoice {
  name: BackendName;
  reason: string;
}

/** Where new keys go: TFMFA_BACKEND / settings.json, else the OS keyring when usable, else the encrypted file. */
export async function chooseBackend(keystore: KeystoreSettings, settings: Settings): Promise<BackendChoice> {
  if (keystore.backend) return { name: keystore.backend, reason: `set by ${keystore.backendOrigin}` };
  const status = await keyringStatus(settings);
  if (status.usable) return { name: 'keyring', reason: status.reason };
  return {
    name: 'file',
    reason: `${status.reason}; the encrypted file survives a reboot (set TFMFA_BACKEND to choose)`,
  };
}

/** Runs `work` holding the key store's lock (the same mechanism as the MFA lock, another key). */
export function withKeystoreLock<T>(settings: Settings, work: () => Promise<T>): Promise<T> {
  return withLock(
    {
      cacheDir: settings.cacheDir,
      key: 'keystore:file',
      description: 'the key store',
      timeoutSeconds: settings.lockTimeout,
    },
    work,
  );
}

export function storedEntry(store: KeyStore, profile: string): KeyIndexEntry | undefined {
  return readKeyIndex(store.indexPath).get(profile);
}

/**
 * The backend name under which `tfmfa rotate` keeps a new key until it has replaced the old one (beside it,
 * never over it). A space and parentheses: no profile name can take it (checkProfileName).
 */
export function stagingName(profile: string): string {
  return `${profile} (rotating)`;
}

/** Rewrites a profile's index entry (call under withKeystoreLock); false when the profile has none. */
export function updateEntry(
  store: KeyStore,
  profile: string,
  change: (entry: KeyIndexEntry) => KeyIndexEntry,
): boolean {
  const index = readKeyIndex(store.indexPath);
  const entry = index.get(profile);
  if (!entry) return false;
  index.set(profile, change(entry));
  writeKeyIndex(store.indexPath, index);
  return true;
}

/** Removes what an unfinished rotation left beside a profile's keys (its staged new key), quietly. */
async function dropStaged(store: KeyStore, profile: string, entry: KeyIndexEntry | undefined): Promise<void> {
  if (entry?.rotation)
    await store
      .backend(entry.backend)
      .delete(stagingName(profile))
      .catch((error: Error) => debug(`could not remove the staged key of '${profile}': ${error.message}`));
}

/**
 * Stores a profile's keys in `backendName` and records them in the index (call under withKeystoreLock).
 * The backend is written first: a crash in between leaves the old index entry, never an entry without keys.
 * Keys the profile had in another backend are removed from it afterwards.
 */
export async function putKeys(
  store: KeyStore,
  profile: string,
  keys: LongTermKeys,
  backendName: BackendName,
): Promise<void> {
  await store.backend(backendName).set(profile, keys);
  const index = readKeyIndex(store.indexPath);
  const previous = index.get(profile);
  index.set(profile, { backend: backendName, accessKeyId: keys.accessKeyId, addedAt: new Date().toISOString() });
  writeKeyIndex(store.indexPath, index);
  // A ticket made before (a shim's overlay-only one, for a profile that had no keys) must not outlive the change.
  if (ownCacheDir(store.cacheDir)) removeTicket(store.cacheDir, profile);
  if (previous && previous.backend !== backendName)
    await store
      .backend(previous.backend)
      .delete(profile)
      .catch((error: Error) => debug(`could not remove the old copy from ${previous.backend}: ${error.message}`));
  await dropStaged(store, profile, previous);
}

/** Removes a profile's keys from its backend and the index (call under withKeystoreLock); its old entry, if any. */
export async function deleteKeys(store: KeyStore, profile: string): Promise<KeyIndexEntry | undefined> {
  const index = readKeyIndex(store.indexPath);
  const entry = index.get(profile);
  if (!entry) return undefined;
  await store.backend(entry.backend).delete(profile);
  index.delete(profile);
  writeKeyIndex(store.indexPath, index);
  await dropStaged(store, profile, entry);
  return entry;
}

/** The secret of a stored-keys source, fetched only when an STS call needs it (never for cached runs). */
export async function fetchStoredKeys(
  profile: string,
  expected: { backend: BackendName; accessKeyId: string },
  settings: Settings,
): Promise<LongTermKeys> {
  const store = openKeyStore(settings);
  debug(`reading the keys of '${profile}' from the ${expected.backend} key store`);
  const keys = await store.backend(expected.backend).get(profile);
  if (!keys) {
    throw new UserError(
      `profile '${profile}': the key index lists keys ${expected.accessKeyId} in the ${expected.backend} ` +
        `store, but they are not there: run 'tfmfa add ${profile}' again (or 'tfmfa remove ${profile}')`,
    );
  }
  if (keys.accessKeyId !== expected.accessKeyId)
    debug(
      `the ${expected.backend} store holds ${keys.accessKeyId} for '${profile}', the index ` +
        `says ${expected.accessKeyId} (an interrupted rotate?)`,
    );
  return keys;
}
