import { UserError } from '../errors.ts';
import { debug } from '../debug.ts';
import { StsError } from './sts-errors.ts';
import { getCallerIdentity, type StsTarget } from './sts.ts';
import type { Iam } from './iam.ts';
import type { LongTermKeys } from '../keystore/types.ts';

/** The IAM user name in a GetCallerIdentity ARN (`arn:aws:iam::123:user/path/name`), else null. */
export function iamUserName(arn: string): string | null {
  const match = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  return match ? (match[1] as string) : null;
}

/** The shell command that deletes a key, for messages that leave a step to the user. */
export function deleteCommand(userName: string, accessKeyId: string): string {
  return `aws iam delete-access-key --user-name ${userName} --access-key-id ${accessKeyId}`;
}

/**
 * Waits until STS accepts a new key (IAM is eventually consistent: a fresh key is refused for a few seconds).
 * Only "unknown key" is waited out; any other error ends the wait.
 */
export async function waitUntilKeyWorks(keys: LongTermKeys, target: StsTarget, waitSeconds: number, pollMs = 2000): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      await getCallerIdentity(keys, target);
      return;
    } catch (error) {
      const notYet = error instanceof StsError && (error.kind === 'invalid-key' || error.kind === 'bad-secret');
      if (!notYet || Date.now() + pollMs > deadline) throw error;
      debug(`new key ${keys.accessKeyId} not accepted yet (${error.code}): waiting`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** Deletes a key just created after a later step failed; says what state IAM is left in. */
export async function rollBack(iam: Iam, userName: string, created: string, kept: string, reason: string): Promise<UserError> {
  try {
    await iam.deleteAccessKey(userName, created);
    return new UserError(`${reason}; deleted the new key ${created} again: IAM and the key store hold only ${kept}, which still works`);
  } catch (error) {
    return new UserError(`${reason}; could not delete the new key ${created} either (${(error as Error).message}): the key store holds ${kept}, which still works; IAM also has ${created}: delete it with '${deleteCommand(userName, created)}'`);
  }
}
