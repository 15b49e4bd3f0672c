import { hasCredentialProcess } from '../config/kinds/credential-process.ts';
import { isRoleProfile } from '../config/kinds/role.ts';
import { isSsoProfile } from '../config/kinds/sso.ts';
import { hasStaticKeys } from '../config/kinds/static-keys.ts';
import { loadAwsFiles } from '../config/load.ts';
import { awsFilePaths } from '../config/paths.ts';
import { ProfileNotFoundError, resolveChain } from '../config/resolve.ts';
import { missingProfileHint } from '../config/suggest.ts';
import type { AwsFiles, Chain, ProfileSection, SourceStep } from '../config/types.ts';
import { UserError } from '../errors.ts';
import { keyLocation } from './key-location.ts';
import { currentUser } from '../session/profile-session.ts';

/** How a profile gets its credentials, from its own keys (what `tfmfa list` shows as KIND). */
export type ProfileKind = 'static' | 'stored' | 'role' | 'sso' | 'process' | 'credential_source' | 'none';

/** A profile as `tfmfa list` and `tfmfa doctor` describe it: never a secret, only names, ARNs and the region. */
export interface ProfileInfo {
  name: string;
  kind: ProfileKind;
  /** Where its own long-term keys live: 'keyring', 'file' (tfmfa's key store), a plaintext file's path, or null. */
  keys: string | null;
  roleArn: string | null;
  /** The MFA device the chain prompts for (the profile's own or inherited from its source). */
  mfaSerial: string | null;
  region: string | null;
  /** Profile names from the source to this profile; null when the profile does not resolve. */
  chain: string[] | null;
  /** Where the chain's base credentials come from; null when the profile does not resolve. */
  source: { profile: string; kind: ProfileKind } | null;
  /** The configuration error that keeps this profile from resolving, if any. */
  error: string | null;
}

export function profileKind(section: ProfileSection): ProfileKind {
  if (isRoleProfile(section)) return 'role';
  if (hasStaticKeys(section)) return 'static';
  if (hasCredentialProcess(section)) return 'process';
  if (isSsoProfile(section)) return 'sso';
  if (section.credential_source?.trim()) return 'credential_source';
  return 'none';
}

export function sourceKind(source: SourceStep): ProfileKind {
  switch (source.kind) {
    case 'static-keys':
      return 'static';
    case 'stored-keys':
      return 'stored';
    case 'credential-process':
      return 'process';
    case 'credential-source':
      return 'credential_source';
    case 'sso':
      return 'sso';
  }
}

/** Resolves a profile's chain with the options every command uses (the user's name in the session name). */
export function chainOf(files: AwsFiles, profile: string, env: NodeJS.ProcessEnv): Chain {
  return resolveChain(files, profile, { user: currentUser(env), nowMs: Date.now() });
}

export function describeProfile(files: AwsFiles, name: string, env: NodeJS.ProcessEnv): ProfileInfo {
  const section = files.profiles.get(name) ?? {};
  const info: ProfileInfo = {
    name,
    kind: files.storedKeys?.has(name) && !isRoleProfile(section) ? 'stored' : profileKind(section),
    keys: keyLocation(files, name),
    roleArn: section.role_arn?.trim() || null,
    mfaSerial: section.mfa_serial?.trim() || null,
    region: section.region?.trim() || null,
    chain: null,
    source: null,
    error: null,
  };
  try {
    const chain = chainOf(files, name, env);
    info.chain = chain.profiles;
    info.source = { profile: chain.source.profile, kind: sourceKind(chain.source) };
    info.mfaSerial = chain.mfaSerial ?? null;
    info.region = chain.region ?? null;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    info.error = error.message;
  }
  return info;
}

/** Every profile of the user's files, sorted by name. */
export function describeProfiles(files: AwsFiles, env: NodeJS.ProcessEnv): ProfileInfo[] {
  return [...files.profiles.keys()].sort(compareNames).map((name) => describeProfile(files, name, env));
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The user's files, as every command reads them (TFMFA_CONFIG_FILE / AWS_CONFIG_FILE and friends). */
export async function loadUserFiles(env: NodeJS.ProcessEnv): Promise<AwsFiles> {
  return loadAwsFiles(awsFilePaths(env));
}

/** Fails with one line and suggestions when `profile` is not in the files (exit 2). */
export function requireKnownProfile(command: string, files: AwsFiles, profile: string): void {
  if (files.profiles.has(profile)) return;
  throw new ProfileNotFoundError(`${command}: profile '${profile}' not found: ${missingProfileHint(files, profile)}`, 2);
}
