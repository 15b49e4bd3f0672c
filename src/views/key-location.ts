import type { AwsFiles } from '../config/files.ts';

/**
 * Where a profile's own long-term keys live, for `list` and `doctor`: 'keyring' or 'file' (tfmfa's key
 * store), or the plaintext file that holds them; null when the profile has none. Never the keys.
 */
export function keyLocation(files: AwsFiles, profile: string): string | null {
  const stored = files.storedKeys?.get(profile);
  if (stored) return stored.backend;
  return plaintextKeyFile(files, profile);
}

/** The plaintext AWS file holding long-term keys (not temporary ones) for the profile, if any. */
export function plaintextKeyFile(files: AwsFiles, profile: string): string | null {
  const fromCredentials = files.credentialsSections.get(profile);
  if (fromCredentials?.aws_secret_access_key) return fromCredentials.aws_session_token ? null : files.credentialsPath;
  const merged = files.profiles.get(profile);
  if (merged?.aws_secret_access_key && !merged.aws_session_token) return files.configPath;
  return null;
}

/** Short form for the list table. */
export function keyLocationLabel(location: string | null): string {
  if (location === null) return '-';
  if (location === 'keyring' || location === 'file') return location;
  return 'plaintext';
}
