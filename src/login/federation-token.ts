import { debug } from '../debug.ts';
import type { AwsCredentials } from '../session/credentials.ts';
import { classifyStsError } from '../session/sts-errors.ts';

/**
 * GetFederationToken turns an IAM user's long-term keys into temporary credentials the console accepts.
 * Without a policy the federated session would have no permissions at all; with this one it has exactly the
 * user's own (a session policy can only narrow, never widen, what the user may do).
 */
const USER_PERMISSIONS_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** `tfmfa-<user>`, within GetFederationToken's 2–32 characters of [\w+=,.@-]. */
export function federatedUserName(user: string): string {
  const safe = user.replace(/[^\w+=,.@-]/g, '_').slice(0, 26) || 'user';
  return `tfmfa-${safe}`;
}

export async function getFederationToken(
  keys: AwsCredentials,
  input: { name: string; durationSeconds: number },
  target: { region: string; profile: string },
): Promise<AwsCredentials> {
  const sts = await import('@aws-sdk/client-sts');
  const seconds = Number(process.env.TFMFA_STS_TIMEOUT ?? 20);
  const requestTimeout = (Number.isFinite(seconds) && seconds > 0 ? seconds : 20) * 1000;
  // Same endpoint settings as every STS call of tfmfa: the region and the profile (endpoint_url, AWS_ENDPOINT_URL_STS).
  const client = new sts.STSClient({
    region: target.region,
    profile: target.profile,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}) },
    maxAttempts: 3,
    requestHandler: { connectionTimeout: Math.min(requestTimeout, 5000), requestTimeout },
  });
  debug(`STS GetFederationToken as ${input.name} (${input.durationSeconds}s) in ${target.region}`);
  try {
    const out = await client.send(new sts.GetFederationTokenCommand({ Name: input.name, DurationSeconds: input.durationSeconds, Policy: USER_PERMISSIONS_POLICY }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('STS answered without complete credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (error) {
    throw classifyStsError('GetFederationToken', error, target.profile);
  } finally {
    client.destroy();
  }
}
