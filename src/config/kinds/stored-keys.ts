import { readKeyIndex } from '../../keystore/key-index.ts';
import type { AwsFiles, StoredKeysSource } from '../types.ts';

/**
 * Keys in tfmfa's key store (`tfmfa add` / `import`): known from the non-secret key index, so resolving a chain
 * never opens a keyring or the vault; the secret is fetched only when an STS call needs it.
 */
export function loadStoredKeys(indexPath: string | undefined): AwsFiles['storedKeys'] {
  if (!indexPath) return new Map();
  return new Map([...readKeyIndex(indexPath)].map(([profile, entry]) => [profile, { backend: entry.backend, accessKeyId: entry.accessKeyId }]));
}

export function hasStoredKeys(files: AwsFiles, profile: string): boolean {
  return files.storedKeys?.has(profile) ?? false;
}

export function storedKeysSource(files: AwsFiles, profile: string): StoredKeysSource {
  const entry = files.storedKeys?.get(profile);
  if (!entry) throw new Error(`no stored keys for ${profile}`);
  return { kind: 'stored-keys', profile, backend: entry.backend, accessKeyId: entry.accessKeyId };
}
