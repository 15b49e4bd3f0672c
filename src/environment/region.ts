import type { EnvironmentChanges } from './environment-changes.ts';

/**
 * The region rule: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region. A child gets whichever of
 * the two variables is missing (boto3 reads only AWS_DEFAULT_REGION, the Go SDK AWS_REGION); tfmfa's own STS
 * calls use the same region, else us-east-1.
 */
export function effectiveRegion(env: NodeJS.ProcessEnv, profileRegion: string | undefined): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || profileRegion;
}

export function stsRegion(env: NodeJS.ProcessEnv, profileRegion: string | undefined): string {
  return effectiveRegion(env, profileRegion) || 'us-east-1';
}

export function regionChanges(current: NodeJS.ProcessEnv, profileRegion: string | undefined): EnvironmentChanges {
  const region = effectiveRegion(current, profileRegion);
  const set: Record<string, string> = {};
  if (region) {
    if (!current.AWS_REGION) set.AWS_REGION = region;
    if (!current.AWS_DEFAULT_REGION) set.AWS_DEFAULT_REGION = region;
  }
  return { set, unset: [] };
}
