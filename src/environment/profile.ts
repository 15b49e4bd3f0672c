import { setting, variableName } from './variables.ts';

/** Where the profile came from: the command line, one of the variables, or the `default` fallback. */
export type ProfileOrigin = 'argument' | 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE' | 'TFMFA_DEFAULT_PROFILE' | 'default';

/**
 * The profile fallback order, the one rule for shims, the launcher (its shell fragment is generated from
 * PROFILE_ORDER), doctor and every command whose PROFILE is optional: AWS_PROFILE, else AWS_DEFAULT_PROFILE,
 * else TFMFA_DEFAULT_PROFILE, else `default`.
 */
export const PROFILE_ORDER = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', variableName('defaultProfile')] as const;

export function selectedProfile(env: NodeJS.ProcessEnv, given?: string): { profile: string; origin: ProfileOrigin } {
  if (given !== undefined) return { profile: given, origin: 'argument' };
  if (env.AWS_PROFILE) return { profile: env.AWS_PROFILE, origin: 'AWS_PROFILE' };
  if (env.AWS_DEFAULT_PROFILE) return { profile: env.AWS_DEFAULT_PROFILE, origin: 'AWS_DEFAULT_PROFILE' };
  const fallback = setting(env, 'defaultProfile');
  if (fallback) return { profile: fallback, origin: 'TFMFA_DEFAULT_PROFILE' };
  return { profile: 'default', origin: 'default' };
}
