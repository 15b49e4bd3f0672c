import type { Chain, RoleStep, SourceStep } from '../config/types.ts';

/**
 * The session strategy, as a pure plan: which STS calls turn a chain's source into the profile's credentials,
 * and under which cache key each result is kept.
 *
 * - Long-term keys + MFA device: GetSessionToken with the code (cached per key + device), then each role is
 *   AssumeRole signed with that session, no code, at most 1 h (AWS's role-chaining limit). One code serves
 *   every role on the device.
 * - A first role asking for more than 1 h, or `--no-session`: AssumeRole straight from the long-term keys with
 *   the code; further hops are chained (at most 1 h).
 * - Any other source (temporary keys, credential_source, credential_process, SSO): roles are assumed from it,
 *   the first with the MFA code when the chain has a device.
 */
/** AWS limits a role assumed with temporary credentials (role chaining) to one hour. */
export const ROLE_CHAINING_LIMIT = 3600;

export interface GetSessionTokenStep {
  kind: 'get-session-token';
  cacheKey: string;
  label: string;
  durationSeconds: number;
  /** Absent only for stored keys without MFA: a plain session, so the long-term keys never leave tfmfa. */
  mfaSerial?: string;
}

export interface AssumeRoleStep {
  kind: 'assume-role';
  cacheKey: string;
  label: string;
  role: RoleStep;
  durationSeconds?: number;
  /** Set when this call carries the MFA code itself. */
  mfaSerial?: string;
}

export type PlanStep = GetSessionTokenStep | AssumeRoleStep;

export interface Plan {
  /** Identity of the source credentials, the root of every cache key. */
  baseKey: string;
  /** What the cross-process lock is keyed by: the MFA device, else the source. */
  lockKey: string;
  steps: PlanStep[];
  /** Durations that were lowered to fit STS limits, to tell the user once. */
  clamped: string[];
}

export interface StrategyOptions {
  /** False with `--no-session`: assume the first role straight from the long-term keys. */
  useSession: boolean;
  sessionTtlSeconds: number;
}

export function baseKeyOf(source: SourceStep): string {
  return source.kind === 'static-keys' || source.kind === 'stored-keys'
    ? `keys:${source.accessKeyId}`
    : `${source.kind}:${source.profile}`;
}

function isLongTermKeys(source: SourceStep): boolean {
  return (source.kind === 'static-keys' && !source.sessionToken) || source.kind === 'stored-keys';
}

export function planChain(chain: Chain, options: StrategyOptions): Plan {
  const baseKey = baseKeyOf(chain.source);
  const serial = chain.mfaSerial;
  const plan: Plan = { baseKey, lockKey: serial ? `mfa:${serial}` : baseKey, steps: [], clamped: [] };
  const first = chain.roles[0];
  const firstWantsLong = (first?.durationSeconds ?? 0) > ROLE_CHAINING_LIMIT;
  const useSession =
    serial !== undefined &&
    isLongTermKeys(chain.source) &&
    (first === undefined || (options.useSession && !firstWantsLong));

  let previousKey = baseKey;
  if (useSession && serial) {
    const cacheKey = `session|${baseKey}|${serial}`;
    plan.steps.push({
      kind: 'get-session-token',
      cacheKey,
      label: `MFA session ${serial} (${chain.source.profile})`,
      durationSeconds: options.sessionTtlSeconds,
      mfaSerial: serial,
    });
    previousKey = cacheKey;
  } else if (chain.source.kind === 'stored-keys' && chain.roles.length === 0) {
    const cacheKey = `session|${baseKey}|`;
    plan.steps.push({
      kind: 'get-session-token',
      cacheKey,
      label: `session (${chain.source.profile}, stored keys)`,
      durationSeconds: options.sessionTtlSeconds,
    });
    previousKey = cacheKey;
  }
  chain.roles.forEach((role, index) => {
    const chained = useSession || index > 0 || !isLongTermKeys(chain.source);
    const carriesCode = !useSession && index === 0 && serial !== undefined;
    let durationSeconds = role.durationSeconds;
    if (chained && durationSeconds !== undefined && durationSeconds > ROLE_CHAINING_LIMIT) {
      plan.clamped.push(
        `${role.profile}: duration_seconds ${durationSeconds} lowered to ${ROLE_CHAINING_LIMIT} (AWS limits ` +
          `chained roles to 1 hour)`,
      );
      durationSeconds = ROLE_CHAINING_LIMIT;
    }
    const cacheKey = roleCacheKey(role, durationSeconds, carriesCode ? serial : undefined, previousKey);
    const step: AssumeRoleStep = {
      kind: 'assume-role',
      cacheKey,
      label: `role ${role.roleArn} (${role.profile})`,
      role,
    };
    if (durationSeconds !== undefined) step.durationSeconds = durationSeconds;
    if (carriesCode) step.mfaSerial = serial;
    plan.steps.push(step);
    previousKey = cacheKey;
  });
  return plan;
}

/**
 * Every AssumeRole input is in the key (role, external id, session name, duration, the MFA device when the
 * code goes with it, the source's key), so two profiles that differ in any of them never share a session.
 * A session name that is not configured is the per-run default (it contains the time): the key says
 * "default" instead, or no run would ever find the previous one's session.
 */
export function roleCacheKey(
  role: RoleStep,
  durationSeconds: number | undefined,
  mfaSerial: string | undefined,
  previousKey: string,
): string {
  const name = role.sessionNameConfigured ? `name=${role.roleSessionName}` : 'name:default';
  // Session tags and the source identity are part of the session STS issues (its policy conditions, CloudTrail):
  // a profile that sets them never shares a session with one that does not. Absent, the key is as it always was.
  const tagged = [
    ...(role.sessionTags ? [`tags=${JSON.stringify(role.sessionTags.map((tag) => [tag.key, tag.value]))}`] : []),
    ...(role.transitiveTagKeys ? [`transitive=${JSON.stringify(role.transitiveTagKeys)}`] : []),
    ...(role.sourceIdentity ? [`source-identity=${role.sourceIdentity}`] : []),
  ];
  return [
    'role',
    role.roleArn,
    `external=${role.externalId ?? ''}`,
    name,
    `duration=${durationSeconds ?? ''}`,
    ...tagged,
    ...(mfaSerial ? [`mfa:${mfaSerial}`] : []),
    previousKey,
  ].join('|');
}
