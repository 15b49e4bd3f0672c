import type { Settings } from './settings.ts';
import { variableName } from './variables.ts';

/** Where the profile came from: the command line, one of the variables, or the `default` fallback. */
export type ProfileOrigin = 'argument' | 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE' | 'TFMFA_DEFAULT_PROFILE' | 'default';

/**
 * The profile fallback order, the one rule for shims, the launcher (its shell fragment is generated from
 * PROFILE_ORDER), doctor and every command whose PROFILE is optional: AWS_PROFILE, else AWS_DEFAULT_PROFILE,
 * else TFMFA_DEFAULT_PROFILE, else `default`.
 */
export const PROFILE_ORDER = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', variableName('defaultProfile')] as const;

/** The profile a run uses and where it came from: selected once per run, then passed on as a value. */
export interface SelectedProfile {
  profile: string;
  origin: ProfileOrigin;
}

export function selectedProfile(settings: Settings, given?: string): SelectedProfile {
  if (given !== undefined) return { profile: given, origin: 'argument' };
  if (settings.awsProfile) return { profile: settings.awsProfile, origin: 'AWS_PROFILE' };
  if (settings.awsDefaultProfile) return { profile: settings.awsDefaultProfile, origin: 'AWS_DEFAULT_PROFILE' };
  const fallback = settings.defaultProfile;
  if (fallback) return { profile: fallback, origin: 'TFMFA_DEFAULT_PROFILE' };
  return { profile: 'default', origin: 'default' };
}
