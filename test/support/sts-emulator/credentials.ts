// Every access key the emulator knows: long-term user keys and the temporary credentials it issued,
// with who they belong to, whether MFA stands behind them, and when they expire. Test fixture only.

import { randomBytes } from 'node:crypto';
import type { SessionAttributes } from './session-tags.ts';

export interface IssuedUser {
  userName: string;
  accountId: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type CredentialKind = 'user' | 'session' | 'role' | 'federated';

export interface CredentialRecord {
  kind: CredentialKind;
  accessKeyId: string;
  secretAccessKey: string;
  /** null for long-term user keys */
  sessionToken: string | null;
  principalArn: string;
  userId: string;
  accountId: string;
  mfaAuthenticated: boolean;
  /** epoch ms on the emulator clock; null for long-term keys */
  expiresAt: number | null;
  revoked: boolean;
  /** A role session's tags and source identity (session-tags.ts); absent for every other credential. */
  session?: SessionAttributes;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` followed by `length` random base-32 characters (AKIA…, ASIA…, AROA…). */
export function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

function randomSecretKey(): string {
  return randomBytes(30).toString('base64'); // 40 chars
}

function randomSessionToken(): string {
  return 'FwoGZXIvYXdzE' + randomBytes(270).toString('base64');
}

export class CredentialStore {
  private readonly records = new Map<string, CredentialRecord>();

  get(accessKeyId: string): CredentialRecord | undefined {
    return this.records.get(accessKeyId);
  }

  addUser(o: { userName: string; accountId: string; accessKeyId?: string; secretAccessKey?: string }): IssuedUser {
    if (!/^\d{12}$/.test(o.accountId)) throw new Error(`accountId must be 12 digits, got ${o.accountId}`);
    const accessKeyId = o.accessKeyId ?? randomId('AKIA', 16);
    if (this.records.has(accessKeyId)) throw new Error(`access key ${accessKeyId} already exists`);
    const secretAccessKey = o.secretAccessKey ?? randomSecretKey();
    const arn = `arn:aws:iam::${o.accountId}:user/${o.userName}`;
    this.records.set(accessKeyId, {
      kind: 'user',
      accessKeyId,
      secretAccessKey,
      sessionToken: null,
      principalArn: arn,
      userId: randomId('AIDA', 17),
      accountId: o.accountId,
      mfaAuthenticated: false,
      expiresAt: null,
      revoked: false,
    });
    return { userName: o.userName, accountId: o.accountId, arn, accessKeyId, secretAccessKey };
  }

  /** New temporary credentials (ASIA…) valid `durationSeconds` from `nowMs` (rounded down to the second). */
  issue(
    o: {
      kind: CredentialKind;
      principalArn: string;
      userId: string;
      accountId: string;
      mfaAuthenticated: boolean;
      durationSeconds: number;
      session?: SessionAttributes;
    },
    nowMs: number,
  ): TemporaryCredentials {
    let accessKeyId = randomId('ASIA', 16);
    while (this.records.has(accessKeyId)) accessKeyId = randomId('ASIA', 16);
    const secretAccessKey = randomSecretKey();
    const sessionToken = randomSessionToken();
    const expiresAt = Math.floor(nowMs / 1000) * 1000 + o.durationSeconds * 1000;
    this.records.set(accessKeyId, {
      kind: o.kind,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      principalArn: o.principalArn,
      userId: o.userId,
      accountId: o.accountId,
      mfaAuthenticated: o.mfaAuthenticated,
      expiresAt,
      revoked: false,
      ...(o.session ? { session: o.session } : {}),
    });
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiresAt) };
  }

  has(accessKeyId: string): boolean {
    return this.records.has(accessKeyId);
  }

  values(): IterableIterator<CredentialRecord> {
    return this.records.values();
  }

  /** Adds a record as it is (IAM's CreateAccessKey). */
  put(record: CredentialRecord): void {
    this.records.set(record.accessKeyId, record);
  }

  delete(accessKeyId: string): void {
    this.records.delete(accessKeyId);
  }

  revoke(accessKeyId: string): void {
    const cred = this.records.get(accessKeyId);
    if (cred) cred.revoked = true;
  }
}
