import { readKeyIndex } from '../../keystore/key-index.ts';
import type { AwsFiles, ProfileSection, StoredKeysSource } from '../types.ts';

/**
 * Keys in tfmfa's key store (`tfmfa add` / `import`): known from the non-secret key index, so resolving a chain
 * never opens a keyring or the vault; the secret is fetched only when an STS call needs it.
 */
export function loadStoredKeys(indexPath: string | undefined, profiles: Map<string, ProfileSection>): AwsFiles['storedKeys'] {
  if (!indexPath) return new Map();
  const stored = new Map([...readKeyIndex(indexPath)].map(([profile, entry]) => [profile, { backend: entry.backend, accessKeyId: entry.accessKeyId }] as const));
  // The SDK's parser drops a section without keys (`[profile x]` as `tfmfa add` writes it): the profile still exists.
  for (const name of stored.keys()) if (!profiles.has(name)) profiles.set(name, {});
  return stored;
}

export function hasStoredKeys(files: AwsFiles, profile: string): boolean {
  return files.storedKeys?.has(profile) ?? false;
}

export function storedKeysSource(files: AwsFiles, profile: string): StoredKeysSource {
  const entry = files.storedKeys?.get(profile);
  if (!entry) throw new Error(`no stored keys for ${profile}`);
  return { kind: 'stored-keys', profile, backend: entry.backend, accessKeyId: entry.accessKeyId };
}
