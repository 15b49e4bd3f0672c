import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import type { AwsCredentials } from '../credentials.ts';
import type { LongTermKeys } from '../keystore/types.ts';

type IamModule = typeof import('@aws-sdk/client-iam');

/**
 * The IAM calls `tfmfa rotate` needs, through @aws-sdk/client-iam, loaded only here. IAM is global: the
 * client signs for us-east-1 and goes to AWS_ENDPOINT_URL_IAM when set (the SDK reads it).
 */
export interface Iam {
  listAccessKeys(userName: string): Promise<Array<{ accessKeyId: string; status: string }>>;
  createAccessKey(userName: string): Promise<LongTermKeys>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
  close(): void;
}

export class IamError extends UserError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export async function iamClient(credentials: AwsCredentials): Promise<Iam> {
  const iam: IamModule = await import('@aws-sdk/client-iam');
  const client = new iam.IAMClient({
    region: 'us-east-1',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 20_000, throwOnRequestTimeout: true },
  });
  const call = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    debug(`IAM ${action}`);
    try {
      return await send();
    } catch (error) {
      const err = error as { name?: string; message?: string };
      throw new IamError(
        err.name ?? 'Error',
        `IAM ${action} failed: ${err.name ?? 'Error'}: ${(err.message ?? String(error)).split('\n')[0]}`,
      );
    }
  };
  return {
    async listAccessKeys(userName) {
      const out = await call('ListAccessKeys', () =>
        client.send(new iam.ListAccessKeysCommand({ UserName: userName })),
      );
      return (out.AccessKeyMetadata ?? []).map((key) => ({
        accessKeyId: key.AccessKeyId ?? '',
        status: key.Status ?? '',
      }));
    },
    async createAccessKey(userName) {
      const out = await call('CreateAccessKey', () =>
        client.send(new iam.CreateAccessKeyCommand({ UserName: userName })),
      );
      const key = out.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey)
        throw new IamError('Incomplete', 'IAM CreateAccessKey answered without a complete key');
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    },
    async deleteAccessKey(userName, accessKeyId) {
      await call('DeleteAccessKey', () =>
        client.send(new iam.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
      );
    },
    close: () => client.destroy(),
  };
}
