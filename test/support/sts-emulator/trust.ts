// Roles and the conditions under which a caller may assume one: the trust policy's MFA and external-id
// conditions, the role's maximum session duration, and the one-hour limit of role chaining. Test fixture only.

import { randomId, type CredentialRecord } from './credentials.ts';
import { StsError } from './protocol.ts';

const CHAINING_LIMIT =
  'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';

export interface RoleRecord {
  arn: string;
  accountId: string;
  roleName: string;
  roleId: string;
  maxSessionDuration: number;
  requireMfa: boolean;
  externalId: string | undefined;
}

function parseRoleArn(arn: string): { accountId: string; roleName: string } | null {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[^\s]*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return m ? { accountId: m[1]!, roleName: m[2]! } : null;
}

export class RoleStore {
  private readonly roles = new Map<string, RoleRecord>();

  get(arn: string): RoleRecord | undefined {
    return this.roles.get(arn);
  }

  add(o: { arn: string; maxSessionDuration?: number; requireMfa?: boolean; externalId?: string }): void {
    const parsed = parseRoleArn(o.arn);
    if (!parsed) throw new Error(`not a role ARN: ${o.arn}`);
    const max = o.maxSessionDuration ?? 3600;
    if (!Number.isInteger(max) || max < 3600 || max > 43200) {
      throw new Error(`maxSessionDuration must be an integer in 3600..43200, got ${max}`);
    }
    this.roles.set(o.arn, {
      arn: o.arn,
      accountId: parsed.accountId,
      roleName: parsed.roleName,
      roleId: randomId('AROA', 17),
      maxSessionDuration: max,
      requireMfa: o.requireMfa ?? false,
      externalId: o.externalId,
    });
  }
}

/**
 * The role, session duration and MFA state of an AssumeRole call that the trust rules allow (its parameters
 * already validated); AccessDenied or ValidationError otherwise. `verifyMfa` checks the call's own MFA code
 * (true: valid, false: none given); it runs only after the other conditions hold, as the code is single-use.
 */
export function trustedAssumeRole(
  roles: RoleStore,
  params: URLSearchParams,
  caller: CredentialRecord,
  verifyMfa: () => boolean,
): { role: RoleRecord; duration: number; mfa: boolean } {
  const roleArn = params.get('RoleArn')!;
  const notAuthorized = new StsError(
    403,
    'AccessDenied',
    `User: ${caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  );
  const role = roles.get(roleArn);
  if (!role || caller.kind === 'federated') throw notAuthorized;
  if (role.externalId !== undefined && params.get('ExternalId') !== role.externalId) throw notAuthorized;

  const duration = Number(params.get('DurationSeconds') ?? 3600);
  const temporaryCaller = caller.sessionToken !== null;
  if (temporaryCaller && duration > 3600) throw new StsError(400, 'ValidationError', CHAINING_LIMIT);
  if (duration > role.maxSessionDuration) {
    throw new StsError(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const mfa = verifyMfa() || caller.mfaAuthenticated;
  if (role.requireMfa && !mfa) throw notAuthorized;
  return { role, duration, mfa };
}
