// IAM actions of the emulator (test fixture only): CreateAccessKey, DeleteAccessKey, ListAccessKeys and
// GetUser on the emulator's IAM users, registered as a second query API (actions.ts), so they are SigV4-checked
// with service scope 'iam' and Version 2010-05-08, counted, and subject to faults like every STS call.
// Faults: DeleteAccessKey failing uses the emulator's injectFault; `delayNewKeys(n)` makes a created key
// unknown to the emulator for n seconds, as IAM's eventual consistency does.

import { randomBytes } from 'node:crypto';
import type { ActionHandler, QueryApi } from './actions.ts';
import type { CredentialRecord, CredentialStore } from './credentials.ts';
import { StsError } from './protocol.ts';
import { el, stsTimestamp } from './xml.ts';

export const IAM_API: QueryApi = {
  service: 'iam',
  version: '2010-05-08',
  namespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
};
/** IAM allows two access keys per user. */
const KEYS_PER_USER = 2;

type IamCredentialRecord = CredentialRecord;
const IamFault = StsError;

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newKeyId(): string {
  return `AKIA${[...randomBytes(16)].map((b) => ALPHANUM[b % 32]).join('')}`;
}

export class IamActions {
  private readonly credentials: CredentialStore;
  private readonly created = new Map<string, Date>();
  private readonly pending = new Set<NodeJS.Timeout>();
  /** Created keys (visible or not yet) and their user. */
  private readonly pendingOwner = new Map<string, string>();
  private newKeyDelaySeconds = 0;

  constructor(credentials: CredentialStore) {
    this.credentials = credentials;
  }

  /** The handlers to register (StsEmulator registers them under IAM_API). */
  handlers(): Readonly<Record<string, ActionHandler>> {
    const action =
      (name: string): ActionHandler =>
      (params, caller) =>
        this.dispatch(name, params, caller);
    return Object.fromEntries(
      ['CreateAccessKey', 'DeleteAccessKey', 'ListAccessKeys', 'GetUser'].map((name) => [name, action(name)]),
    );
  }

  /** Keys created from now on are refused (InvalidClientTokenId) for `seconds` after their creation. */
  delayNewKeys(seconds: number): void {
    this.newKeyDelaySeconds = seconds;
  }

  /** Access key ids a user has (active or not yet visible), for assertions. */
  keysOf(userArn: string): string[] {
    const ids = [...this.credentials.values()]
      .filter((c) => c.kind === 'user' && c.principalArn === userArn)
      .map((c) => c.accessKeyId);
    return [
      ...ids,
      ...[...this.created.keys()].filter((id) => !this.credentials.has(id) && this.pendingOwner.get(id) === userArn),
    ];
  }

  /** Deletes a key outside the API (a user cleaning up in the console). */
  forget(accessKeyId: string): void {
    this.credentials.delete(accessKeyId);
    this.pendingOwner.delete(accessKeyId);
    this.created.delete(accessKeyId);
  }

  stop(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  dispatch(action: string, params: URLSearchParams, caller: IamCredentialRecord): string {
    const user = this.callerUser(caller, params.get('UserName'));
    switch (action) {
      case 'GetUser':
        return (
          `<User>${el('UserName', user.name)}${el('UserId', user.record.userId)}${el('Arn', user.arn)}` +
          `${el('Path', '/')}${el('CreateDate', stsTimestamp(new Date(0)))}</User>`
        );
      case 'ListAccessKeys':
        return `<AccessKeyMetadata>${this.keysOf(user.arn)
          .map(
            (id) =>
              `<member>${el('UserName', user.name)}${el('AccessKeyId', id)}${el('Status', 'Active')}` +
              `${el('CreateDate', stsTimestamp(this.created.get(id) ?? new Date(0)))}</member>`,
          )
          .join('')}</AccessKeyMetadata>${el('IsTruncated', 'false')}`;
      case 'CreateAccessKey':
        return this.createAccessKey(user);
      case 'DeleteAccessKey':
        return this.deleteAccessKey(user, params.get('AccessKeyId') ?? '');
      default:
        throw new IamFault(400, 'InvalidAction', `Could not find operation ${action} for version ${IAM_API.version}`);
    }
  }

  /** IAM refuses session credentials without MFA, and (in this emulator) acting on another user. */
  private callerUser(
    caller: IamCredentialRecord,
    userName: string | null,
  ): { name: string; arn: string; record: IamCredentialRecord } {
    if (caller.kind === 'session' && !caller.mfaAuthenticated) {
      throw new IamFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid');
    }
    if (caller.kind !== 'user' && caller.kind !== 'session') {
      throw new IamFault(
        403,
        'AccessDenied',
        `User: ${caller.principalArn} is not authorized to perform IAM actions in this emulator`,
      );
    }
    const name = caller.principalArn.split('/').pop() as string;
    if (userName !== null && userName !== name) {
      throw new IamFault(
        403,
        'AccessDenied',
        `User: ${caller.principalArn} is not authorized to perform this action on resource: user ${userName}`,
      );
    }
    return { name, arn: caller.principalArn, record: caller };
  }

  private createAccessKey(user: { name: string; arn: string; record: IamCredentialRecord }): string {
    if (this.keysOf(user.arn).length >= KEYS_PER_USER) {
      throw new IamFault(409, 'LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`);
    }
    const accessKeyId = newKeyId();
    const secretAccessKey = randomBytes(30).toString('base64').slice(0, 40);
    const record: IamCredentialRecord = {
      kind: 'user',
      accessKeyId,
      secretAccessKey,
      sessionToken: null,
      principalArn: user.arn,
      userId: user.record.userId,
      accountId: user.record.accountId,
      mfaAuthenticated: false,
      expiresAt: null,
      revoked: false,
    };
    const now = new Date();
    this.created.set(accessKeyId, now);
    this.pendingOwner.set(accessKeyId, user.arn);
    if (this.newKeyDelaySeconds > 0) {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        if (this.pendingOwner.has(accessKeyId)) this.credentials.put(record);
      }, this.newKeyDelaySeconds * 1000);
      timer.unref();
      this.pending.add(timer);
    } else {
      this.credentials.put(record);
    }
    return (
      `<AccessKey>${el('UserName', user.name)}${el('AccessKeyId', accessKeyId)}${el('Status', 'Active')}` +
      `${el('SecretAccessKey', secretAccessKey)}${el('CreateDate', stsTimestamp(now))}</AccessKey>`
    );
  }

  private deleteAccessKey(user: { name: string; arn: string }, accessKeyId: string): string {
    const record = this.credentials.get(accessKeyId);
    const pending = !record && this.pendingOwner.get(accessKeyId) === user.arn;
    if (!pending && (!record || record.kind !== 'user' || record.principalArn !== user.arn)) {
      throw new IamFault(404, 'NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`);
    }
    this.credentials.delete(accessKeyId);
    this.pendingOwner.delete(accessKeyId);
    this.created.delete(accessKeyId);
    return '';
  }
}
