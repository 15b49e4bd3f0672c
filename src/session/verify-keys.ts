import { readSettings } from '../environment/settings.ts';
import { stsEndpoint } from '../config/endpoint.ts';
import type { AwsFiles } from '../config/files.ts';
import { getCallerIdentity, type CallerIdentity, type StsTarget } from './sts.ts';
import type { LongTermKeys } from '../keystore/types.ts';

/** Where STS calls for a profile go (its region and endpoint settings), even before the profile exists. */
export function stsTargetFor(files: AwsFiles, profile: string, env: NodeJS.ProcessEnv): StsTarget {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || files.profiles.get(profile)?.region?.trim() || 'us-east-1';
  const endpoint = stsEndpoint(files, profile, readSettings(env));
  return { region, profile, ...(endpoint ? { endpoint } : {}) };
}

/** One GetCallerIdentity with the keys: they exist and the secret matches. */
export function verifyKeys(keys: LongTermKeys, target: StsTarget): Promise<CallerIdentity> {
  return getCallerIdentity(keys, target);
}
