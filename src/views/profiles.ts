import type { Settings } from '../environment/settings.ts';
import { chainOf } from '../config/chain.ts';
import { listKindOf, listKindOfStep, type ListKind } from '../config/kinds/index.ts';
import { ProfileNotFoundError, withoutStackTraces } from '../config/resolve.ts';
import { missingProfileHint } from '../config/suggest.ts';
import type { SourceStep } from '../config/types.ts';
import type { AwsFiles, ProfileSection } from '../config/files.ts';
import { UserError } from '../errors.ts';
import { keyLocation } from './key-location.ts';

/** How a profile gets its credentials, from its own keys (what `tfmfa list` shows as KIND). */
export type ProfileKind = ListKind;

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

export function profileKind(section: ProfileSection, files: AwsFiles, name: string): ProfileKind {
  return listKindOf(section, files, name);
}

export function sourceKind(source: SourceStep): ProfileKind {
  return listKindOfStep(source);
}

export function describeProfile(files: AwsFiles, name: string, settings: Settings, hints = true): ProfileInfo {
  const section = files.profiles.get(name) ?? {};
  const info: ProfileInfo = {
    name,
    kind: profileKind(section, files, name),
    keys: keyLocation(files, name),
    roleArn: section.role_arn?.trim() || null,
    mfaSerial: section.mfa_serial?.trim() || null,
    region: section.region?.trim() || null,
    chain: null,
    source: null,
    error: null,
  };
  try {
    const chain = chainOf(files, name, settings, hints);
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

/** Every profile of the user's files, sorted by name (errors without "did you mean": the list shows every name). */
export function describeProfiles(files: AwsFiles, settings: Settings): ProfileInfo[] {
  return withoutStackTraces(() =>
    [...files.profiles.keys()].sort(compareNames).map((name) => describeProfile(files, name, settings, false)),
  );
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Fails with one line and suggestions when `profile` is not in the files (exit 2). */
export function requireKnownProfile(command: string, files: AwsFiles, profile: string): void {
  if (files.profiles.has(profile)) return;
  throw new ProfileNotFoundError(
    `${command}: profile '${profile}' not found: ${missingProfileHint(files, profile)}`,
    2,
  );
}
