// The query-API actions the emulator answers, as a table: action name → the API it belongs to and its handler.
// STS's actions are here; another API's actions (IAM's, say) are registered into the same table with their
// own signing service, version and XML namespace (see ActionTable.register). Test fixture only.

import type { EmulatorClock } from './clock.ts';
import type { CredentialRecord, CredentialStore } from './credentials.ts';
import { durationRule, SERIAL_RULE, STS_VERSION, StsError, TOKEN_CODE_RULE, validateParams } from './protocol.ts';
import type { MfaDevices } from './totp.ts';
import { sessionAttributes } from './session-tags.ts';
import { trustedAssumeRole, type RoleStore } from './trust.ts';
import { credentialsXml, el, STS_NAMESPACE } from './xml.ts';

/** A query API: what its requests are signed for, the Version they carry, the xmlns of its answers. */
export interface QueryApi {
  service: string;
  version: string;
  namespace: string;
}

export const STS_API: QueryApi = { service: 'sts', version: STS_VERSION, namespace: STS_NAMESPACE };

/** The emulator's state, as handlers see it. */
export interface ActionContext {
  readonly credentials: CredentialStore;
  readonly roles: RoleStore;
  readonly devices: MfaDevices;
  readonly clock: EmulatorClock;
  /** true: valid MFA on this call; false: none given; throws AccessDenied for a bad, replayed or unknown one. */
  verifyMfa(serial: string | null, code: string | null): boolean;
}

/**
 * Answers one authenticated call: the inner XML of `<ActionResult>`, or throws StsError. The caller has
 * passed SigV4 verification for the action's API and the request carries that API's Version.
 */
export type ActionHandler = (params: URLSearchParams, caller: CredentialRecord, ctx: ActionContext) => string;

export interface RegisteredAction {
  api: QueryApi;
  handle: ActionHandler;
}

export class ActionTable {
  private readonly actions = new Map<string, RegisteredAction>();

  /** Adds actions of one API; an action name already in the table is a mistake in the test set-up. */
  register(api: QueryApi, handlers: Readonly<Record<string, ActionHandler>>): void {
    for (const [name, handle] of Object.entries(handlers)) {
      if (this.actions.has(name)) throw new Error(`action ${name} is already registered`);
      this.actions.set(name, { api, handle });
    }
  }

  get(action: string): RegisteredAction | undefined {
    return this.actions.get(action);
  }
}

// ---------------------------------------------------------------------------
// STS

function packedPolicySize(policy: string): number {
  return Math.min(100, Math.max(1, Math.ceil(policy.length / 20)));
}

function getSessionToken(params: URLSearchParams, caller: CredentialRecord, ctx: ActionContext): string {
  validateParams(params, [durationRule(900, 129600), SERIAL_RULE, TOKEN_CODE_RULE]);
  if (caller.kind !== 'user') {
    throw new StsError(403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
  }
  const duration = Number(params.get('DurationSeconds') ?? 43200);
  const mfa = ctx.verifyMfa(params.get('SerialNumber'), params.get('TokenCode'));
  const issued = ctx.credentials.issue(
    {
      kind: 'session',
      principalArn: caller.principalArn,
      userId: caller.userId,
      accountId: caller.accountId,
      mfaAuthenticated: mfa,
      durationSeconds: duration,
    },
    ctx.clock.nowMs(),
  );
  return credentialsXml(issued);
}

function assumeRole(params: URLSearchParams, caller: CredentialRecord, ctx: ActionContext): string {
  validateParams(params, [
    { param: 'RoleArn', member: 'roleArn', required: true, minLength: 20, maxLength: 2048 },
    {
      param: 'RoleSessionName',
      member: 'roleSessionName',
      required: true,
      minLength: 2,
      maxLength: 64,
      pattern: { re: /^[\w+=,.@-]*$/, text: '[\\w+=,.@-]*' },
    },
    durationRule(900, 43200),
    {
      param: 'ExternalId',
      member: 'externalId',
      minLength: 2,
      maxLength: 1224,
      pattern: { re: /^[\w+=,.@:/-]*$/, text: '[\\w+=,.@:\\/-]*' },
    },
    SERIAL_RULE,
    TOKEN_CODE_RULE,
  ]);
  const sessionName = params.get('RoleSessionName')!;
  const session = sessionAttributes(params, caller);
  const { role, duration, mfa } = trustedAssumeRole(ctx.roles, params, caller, () =>
    ctx.verifyMfa(params.get('SerialNumber'), params.get('TokenCode')),
  );
  const principalArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
  const assumedRoleId = `${role.roleId}:${sessionName}`;
  const issued = ctx.credentials.issue(
    {
      kind: 'role',
      principalArn,
      userId: assumedRoleId,
      accountId: role.accountId,
      mfaAuthenticated: mfa,
      durationSeconds: duration,
      session,
    },
    ctx.clock.nowMs(),
  );
  let xml =
    credentialsXml(issued) +
    '<AssumedRoleUser>' +
    el('AssumedRoleId', assumedRoleId) +
    el('Arn', principalArn) +
    '</AssumedRoleUser>';
  if (session.sourceIdentity !== null) xml += el('SourceIdentity', session.sourceIdentity);
  const policy = params.get('Policy');
  if (policy !== null) xml += el('PackedPolicySize', String(packedPolicySize(policy)));
  return xml;
}

function getFederationToken(params: URLSearchParams, caller: CredentialRecord, ctx: ActionContext): string {
  validateParams(params, [
    {
      param: 'Name',
      member: 'name',
      required: true,
      minLength: 2,
      maxLength: 32,
      pattern: { re: /^[\w+=,.@-]*$/, text: '[\\w+=,.@-]*' },
    },
    durationRule(900, 129600),
  ]);
  if (caller.kind !== 'user') {
    throw new StsError(403, 'AccessDenied', 'Cannot call GetFederationToken with session credentials');
  }
  const name = params.get('Name')!;
  const principalArn = `arn:aws:sts::${caller.accountId}:federated-user/${name}`;
  const federatedUserId = `${caller.accountId}:${name}`;
  const issued = ctx.credentials.issue(
    {
      kind: 'federated',
      principalArn,
      userId: federatedUserId,
      accountId: caller.accountId,
      mfaAuthenticated: false,
      durationSeconds: Number(params.get('DurationSeconds') ?? 43200),
    },
    ctx.clock.nowMs(),
  );
  let xml =
    credentialsXml(issued) +
    '<FederatedUser>' +
    el('FederatedUserId', federatedUserId) +
    el('Arn', principalArn) +
    '</FederatedUser>';
  const policy = params.get('Policy');
  if (policy !== null) xml += el('PackedPolicySize', String(packedPolicySize(policy)));
  return xml;
}

function getCallerIdentity(_params: URLSearchParams, caller: CredentialRecord): string {
  return el('Arn', caller.principalArn) + el('UserId', caller.userId) + el('Account', caller.accountId);
}

export const STS_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  GetSessionToken: getSessionToken,
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetFederationToken: getFederationToken,
};
