import { UserError } from '../../errors.ts';
import type { ProfileSection, StaticKeysSource } from '../types.ts';

/** `aws_access_key_id` + `aws_secret_access_key` (and optionally `aws_session_token`). */
export function hasStaticKeys(section: ProfileSection): boolean {
  return Boolean(section.aws_access_key_id || section.aws_secret_access_key);
}

export function staticKeysSource(profile: string, section: ProfileSection): StaticKeysSource {
  const accessKeyId = section.aws_access_key_id?.trim();
  const secretAccessKey = section.aws_secret_access_key?.trim();
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? 'aws_secret_access_key' : 'aws_access_key_id';
    throw new UserError(`profile '${profile}' has static keys but no ${missing}: add it to your AWS credentials file`, 2);
  }
  const sessionToken = section.aws_session_token?.trim();
  return { kind: 'static-keys', profile, accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
