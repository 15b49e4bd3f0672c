import type { EnvironmentChanges } from './environment-changes.ts';
import type { Settings } from './settings.ts';

/**
 * The region rule: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region. A child gets whichever of
 * the two variables is missing (boto3 reads only AWS_DEFAULT_REGION, the Go SDK AWS_REGION); tfmfa's own STS
 * calls use the same region, else us-east-1.
 */
export function effectiveRegion(settings: Settings, profileRegion: string | undefined): string | undefined {
  return settings.awsRegion || settings.awsDefaultRegion || profileRegion;
}

export function stsRegion(settings: Settings, profileRegion: string | undefined): string {
  return effectiveRegion(settings, profileRegion) || 'us-east-1';
}

export function regionChanges(current: Settings, profileRegion: string | undefined): EnvironmentChanges {
  const region = effectiveRegion(current, profileRegion);
  const set: Record<string, string> = {};
  if (region) {
    if (!current.awsRegion) set.AWS_REGION = region;
    if (!current.awsDefaultRegion) set.AWS_DEFAULT_REGION = region;
  }
  return { set, unset: [] };
}
