import { stsRegion } from '../environment/region.ts';
import type { Settings } from '../environment/settings.ts';
import { stsEndpoint } from '../config/endpoint.ts';
import type { AwsFiles } from '../config/files.ts';
import { getCallerIdentity, type CallerIdentity, type StsTarget } from './sts.ts';
import type { LongTermKeys } from '../keystore/types.ts';

/** Where STS calls for a profile go (its region and endpoint settings), even before the profile exists. */
export function stsTargetFor(files: AwsFiles, profile: string, settings: Settings): StsTarget {
  const region = stsRegion(settings, files.profiles.get(profile)?.region?.trim());
  const endpoint = stsEndpoint(files, profile, settings);
  return { region, profile, ...(endpoint ? { endpoint } : {}), settings };
}

/** One GetCallerIdentity with the keys: they exist and the secret matches. */
export function verifyKeys(keys: LongTermKeys, target: StsTarget): Promise<CallerIdentity> {
  return getCallerIdentity(keys, target);
}
