import { debug } from '../debug.ts';
import type { Settings } from '../environment/settings.ts';
import type { AwsCredentials } from '../credentials.ts';
import { classifyStsError } from './sts-errors.ts';

/** Where STS calls go: the region and the profile whose `endpoint_url` / `services` settings apply. */
export interface StsTarget {
  region: string;
  profile: string;
  /** From the profile's settings (see config/endpoint.ts); undefined for the SDK's default endpoint. */
  endpoint?: string;
  /** TFMFA_STS_TIMEOUT, read (and checked) only when a request is made. */
  settings: Pick<Settings, 'stsTimeout'>;
}

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  externalId?: string;
  serialNumber?: string;
  mfaCode?: string;
  /** aws-vault's session_tags, transitive_session_tags and source_identity (config/session-tags.ts). */
  sessionTags?: Array<{ key: string; value: string }>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
}

/** STS request timeout (`TFMFA_STS_TIMEOUT`, validated by the environment contract). */
function timeoutMs(target: StsTarget): number {
  return target.settings.stsTimeout * 1000;
}

type StsModule = typeof import('@aws-sdk/client-sts');
type CredentialsResult = {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
};

/**
 * Sends one STS call signed with `base`. The AWS SDK is loaded only here, on the first STS call: a run served
 * from the cache never imports it. Errors become one-line StsErrors.
 */
async function send(
  action: string,
  base: AwsCredentials,
  target: StsTarget,
  command: (
    sts: StsModule,
  ) => InstanceType<
    StsModule['GetSessionTokenCommand'] | StsModule['AssumeRoleCommand'] | StsModule['GetFederationTokenCommand']
  >,
): Promise<AwsCredentials> {
  const sts = await import('@aws-sdk/client-sts');
  const requestTimeout = timeoutMs(target);
  const client = new sts.STSClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials: {
      accessKeyId: base.accessKeyId,
      secretAccessKey: base.secretAccessKey,
      ...(base.sessionToken ? { sessionToken: base.sessionToken } : {}),
    },
    maxAttempts: 3,
    // Without throwOnRequestTimeout the handler only logs a warning and waits for ever.
    requestHandler: { connectionTimeout: Math.min(requestTimeout, 5000), requestTimeout, throwOnRequestTimeout: true },
  });
  try {
    // Every command sent here answers with Credentials; the SDK's overloads take one command type at a time.
    const out = (await client.send(command(sts) as InstanceType<StsModule['AssumeRoleCommand']>)) as CredentialsResult;
    return toCredentials(out.Credentials);
  } catch (error) {
    throw classifyStsError(action, error, target.profile);
  } finally {
    client.destroy();
  }
}

function toCredentials(result: CredentialsResult['Credentials']): AwsCredentials {
  if (!result?.AccessKeyId || !result.SecretAccessKey || !result.SessionToken || !result.Expiration) {
    throw new Error('STS answered without complete credentials');
  }
  return {
    accessKeyId: result.AccessKeyId,
    secretAccessKey: result.SecretAccessKey,
    sessionToken: result.SessionToken,
    expiration: result.Expiration,
  };
}

export function getSessionToken(
  base: AwsCredentials,
  input: { durationSeconds: number; serialNumber?: string; mfaCode?: string },
  target: StsTarget,
): Promise<AwsCredentials> {
  debug(`STS GetSessionToken for ${input.serialNumber ?? 'no MFA'} (${input.durationSeconds}s) in ${target.region}`);
  return send(
    'GetSessionToken',
    base,
    target,
    (sts) =>
      new sts.GetSessionTokenCommand({
        DurationSeconds: input.durationSeconds,
        ...(input.serialNumber ? { SerialNumber: input.serialNumber, TokenCode: input.mfaCode } : {}),
      }),
  );
}

/** GetFederationToken (IAM user keys only), for console sign-in; `policy` bounds the federated session. */
export function getFederationToken(
  base: AwsCredentials,
  input: { name: string; durationSeconds: number; policy: string },
  target: StsTarget,
): Promise<AwsCredentials> {
  debug(`STS GetFederationToken as ${input.name} (${input.durationSeconds}s) in ${target.region}`);
  return send(
    'GetFederationToken',
    base,
    target,
    (sts) =>
      new sts.GetFederationTokenCommand({
        Name: input.name,
        DurationSeconds: input.durationSeconds,
        Policy: input.policy,
      }),
  );
}

export function assumeRole(base: AwsCredentials, input: AssumeRoleInput, target: StsTarget): Promise<AwsCredentials> {
  debug(
    `STS AssumeRole ${input.roleArn}${input.serialNumber ? ` with MFA ${input.serialNumber}` : ''} ` +
      `(${input.durationSeconds ?? 'default'}s) in ${target.region}`,
  );
  return send(
    'AssumeRole',
    base,
    target,
    (sts) =>
      new sts.AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.roleSessionName,
        ...(input.durationSeconds ? { DurationSeconds: input.durationSeconds } : {}),
        ...(input.externalId ? { ExternalId: input.externalId } : {}),
        ...(input.serialNumber ? { SerialNumber: input.serialNumber, TokenCode: input.mfaCode } : {}),
        ...(input.sessionTags?.length
          ? { Tags: input.sessionTags.map((tag) => ({ Key: tag.key, Value: tag.value })) }
          : {}),
        ...(input.transitiveTagKeys?.length ? { TransitiveTagKeys: input.transitiveTagKeys } : {}),
        ...(input.sourceIdentity ? { SourceIdentity: input.sourceIdentity } : {}),
      }),
  );
}

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
}

/** GetCallerIdentity signed with `base` (checks that keys work; `tfmfa add` and `rotate`). */
export async function getCallerIdentity(base: AwsCredentials, target: StsTarget): Promise<CallerIdentity> {
  debug(`STS GetCallerIdentity in ${target.region}`);
  const sts = await import('@aws-sdk/client-sts');
  const requestTimeout = timeoutMs(target);
  const client = new sts.STSClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials: {
      accessKeyId: base.accessKeyId,
      secretAccessKey: base.secretAccessKey,
      ...(base.sessionToken ? { sessionToken: base.sessionToken } : {}),
    },
    maxAttempts: 3,
    requestHandler: { connectionTimeout: Math.min(requestTimeout, 5000), requestTimeout, throwOnRequestTimeout: true },
  });
  try {
    const out = await client.send(new sts.GetCallerIdentityCommand({}));
    return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
  } catch (error) {
    throw classifyStsError('GetCallerIdentity', error, target.profile);
  } finally {
    client.destroy();
  }
}
