import { debug } from '../debug.ts';
import type { AwsCredentials } from './credentials.ts';
import { classifyStsError } from './sts-errors.ts';

/** Where STS calls go: the region and the profile whose `endpoint_url` / `services` settings apply. */
export interface StsTarget {
  region: string;
  profile: string;
  /** From the profile's settings (see config/endpoint.ts); undefined for the SDK's default endpoint. */
  endpoint?: string;
}

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  externalId?: string;
  serialNumber?: string;
  tokenCode?: string;
}

/** STS request timeout in seconds (`TFMFA_STS_TIMEOUT`, default 20). */
function timeoutMs(): number {
  const seconds = Number(process.env.TFMFA_STS_TIMEOUT ?? 20);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 20) * 1000;
}

/** The AWS SDK is loaded only here, on the first STS call: a cached run never imports it. */
async function client(credentials: AwsCredentials, target: StsTarget) {
  const sts = await import('@aws-sdk/client-sts');
  const requestTimeout = timeoutMs();
  const instance = new sts.STSClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    maxAttempts: 3,
    requestHandler: { connectionTimeout: Math.min(requestTimeout, 5000), requestTimeout },
  });
  return { sts, instance };
}

function toCredentials(result: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): AwsCredentials {
  if (!result?.AccessKeyId || !result.SecretAccessKey || !result.SessionToken || !result.Expiration) {
    throw new Error('STS answered without complete credentials');
  }
  return { accessKeyId: result.AccessKeyId, secretAccessKey: result.SecretAccessKey, sessionToken: result.SessionToken, expiration: result.Expiration };
}

export async function getSessionToken(
  base: AwsCredentials,
  input: { durationSeconds: number; serialNumber?: string; tokenCode?: string },
  target: StsTarget,
): Promise<AwsCredentials> {
  const { sts, instance } = await client(base, target);
  debug(`STS GetSessionToken for ${input.serialNumber ?? 'no MFA'} (${input.durationSeconds}s) in ${target.region}`);
  try {
    const out = await instance.send(new sts.GetSessionTokenCommand({
      DurationSeconds: input.durationSeconds,
      ...(input.serialNumber ? { SerialNumber: input.serialNumber, TokenCode: input.tokenCode } : {}),
    }));
    return toCredentials(out.Credentials);
  } catch (error) {
    throw classifyStsError('GetSessionToken', error, target.profile);
  } finally {
    instance.destroy();
  }
}

export async function assumeRole(base: AwsCredentials, input: AssumeRoleInput, target: StsTarget): Promise<AwsCredentials> {
  const { sts, instance } = await client(base, target);
  debug(`STS AssumeRole ${input.roleArn}${input.serialNumber ? ` with MFA ${input.serialNumber}` : ''} (${input.durationSeconds ?? 'default'}s) in ${target.region}`);
  try {
    const out = await instance.send(new sts.AssumeRoleCommand({
      RoleArn: input.roleArn,
      RoleSessionName: input.roleSessionName,
      ...(input.durationSeconds ? { DurationSeconds: input.durationSeconds } : {}),
      ...(input.externalId ? { ExternalId: input.externalId } : {}),
      ...(input.serialNumber ? { SerialNumber: input.serialNumber, TokenCode: input.tokenCode } : {}),
    }));
    return toCredentials(out.Credentials);
  } catch (error) {
    throw classifyStsError('AssumeRole', error, target.profile);
  } finally {
    instance.destroy();
  }
}
