import { backendLabel } from '../../keystore/types.ts';
import { readKeyIndex } from '../../keystore/key-index.ts';
import type { ProfileSection, StoredKeyEntries } from '../files.ts';
import type { SourceKind } from './kind.ts';

/** Long-term keys in tfmfa's key store; the secret is not here, only where to fetch it. */
export interface StoredKeysSource {
  kind: 'stored-keys';
  profile: string;
  backend: 'keyring' | 'file';
  accessKeyId: string;
}

/** What the non-secret key index says a profile has in the store. */

/**
 * Keys in tfmfa's key store (`tfmfa add` / `import`): known from the non-secret key index, so resolving a chain
 * never opens a keyring or the vault; the secret is fetched only when an STS call needs it. They win over
 * plaintext keys of the same profile (doctor warns about the plaintext copy).
 */
export const storedKeys: SourceKind<StoredKeysSource, 'stored'> = {
  step: 'stored-keys',
  listName: 'stored',
  triggers: [],
  keys: [],
  toolsCannotRead: true,
  detect: (_section, files, profile) => files.storedKeys?.has(profile) ?? false,
  parse(profile, _section, files) {
    const entry = files.storedKeys?.get(profile);
    if (!entry) throw new Error(`no stored keys for ${profile}`);
    return { kind: 'stored-keys', profile, backend: entry.backend, accessKeyId: entry.accessKeyId };
  },
  async fetch(step, _paths, settings) {
    const { fetchStoredKeys } = await import('../../keystore/store.ts');
    return fetchStoredKeys(step.profile, step, settings);
  },
  origin: () => "tfmfa's key store",
  describe: (step) =>
    `long-term access keys ${step.accessKeyId} of profile '${step.profile}' in tfmfa's key store ` +
    `(${backendLabel(step.backend)})`,
};

/** The stored-keys entries of the index at `indexPath`; profiles only the index knows are added (empty). */
export function loadStoredKeys(indexPath: string | undefined, profiles: Map<string, ProfileSection>): StoredKeyEntries {
  if (!indexPath) return new Map();
  const stored = new Map(
    [...readKeyIndex(indexPath)].map(
      ([profile, entry]) => [profile, { backend: entry.backend, accessKeyId: entry.accessKeyId }] as const,
    ),
  );
  // The SDK's parser drops a section without keys (`[profile x]` as `tfmfa add` writes it): the profile still exists.
  for (const name of stored.keys()) if (!profiles.has(name)) profiles.set(name, {});
  return stored;
}
