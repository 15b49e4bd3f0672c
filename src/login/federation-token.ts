import { getFederationToken, type StsTarget } from '../session/sts.ts';
import type { AwsCredentials } from '../credentials.ts';

/**
 * GetFederationToken turns an IAM user's long-term keys into temporary credentials the console accepts.
 * Without a policy the federated session would have no permissions at all; with this one it has exactly the
 * user's own (a session policy can only narrow, never widen, what the user may do).
 */
const USER_PERMISSIONS_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

/** `tfmfa-<user>`, within GetFederationToken's 2–32 characters of [\w+=,.@-]. */
export function federatedUserName(user: string): string {
  const safe = user.replace(/[^\w+=,.@-]/g, '_').slice(0, 26) || 'user';
  return `tfmfa-${safe}`;
}

/** Console credentials for plain user keys: GetFederationToken with the user's own permissions. */
export function federationCredentials(
  keys: AwsCredentials,
  input: { name: string; durationSeconds: number },
  target: StsTarget,
): Promise<AwsCredentials> {
  return getFederationToken(keys, { ...input, policy: USER_PERMISSIONS_POLICY }, target);
}
