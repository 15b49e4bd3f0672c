import type { AwsCredentials } from '../credentials.ts';

/** The `credential_process` contract: Version 1, with SessionToken and Expiration for temporary credentials. */
export function credentialProcessJson(credentials: AwsCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { SessionToken: credentials.sessionToken } : {}),
    ...(credentials.expiration ? { Expiration: credentials.expiration.toISOString() } : {}),
  });
}
