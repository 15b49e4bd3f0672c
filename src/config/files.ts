/** The user's AWS files as read: the data every profile kind and the chain resolution work on. */

export type ProfileSection = Readonly<Record<string, string | undefined>>;

/** Profiles with keys in tfmfa's key store, from its non-secret index: profile → backend and access key id. */
export type StoredKeyEntries = ReadonlyMap<string, { backend: 'keyring' | 'file'; accessKeyId: string }>;

/** The user's two AWS files, parsed. */
export interface AwsFiles {
  configPath: string;
  credentialsPath: string;
  /** Profiles by name: config-file settings overlaid by credentials-file settings. */
  profiles: ReadonlyMap<string, ProfileSection>;
  /** Names that appear in the config file (`[profile x]`, `[default]`). */
  configProfileNames: ReadonlySet<string>;
  ssoSessions: ReadonlyMap<string, ProfileSection>;
  /** `[services name]` sections (their sub-keys flattened as `sts.endpoint_url`). */
  services: ReadonlyMap<string, ProfileSection>;
  /** The credentials file's own sections, before merging. */
  credentialsSections: ReadonlyMap<string, ProfileSection>;
  /** Profiles with keys in tfmfa's key store (from its non-secret index), and where that index is. */
  storedKeys?: StoredKeyEntries;
  keyIndexPath?: string;
}
