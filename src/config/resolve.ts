import { UserError } from '../errors.ts';
import { baseKindOf, credentialSource, kindOfStep, ownKeysKindOf, role } from './kinds/index.ts';
import { missingProfileHint } from './suggest.ts';
import type { Chain, RoleStep, SourceStep } from './types.ts';
import type { AwsFiles, ProfileSection } from './files.ts';
import { checkMfaSerial, defaultRoleSessionName } from './validate.ts';

export interface ResolveOptions {
  /** Used in the default role session name. */
  user: string;
  nowMs: number;
  /** false: a missing profile's error has no "did you mean" (costly over many profiles; for callers that list). */
  hints?: boolean;
}

/** A profile that exists but has no credentials of its own (for example only `region`). */
export class NoCredentialsError extends UserError {}

/** The profile asked for does not exist. */
export class ProfileNotFoundError extends UserError {}

/**
 * Resolves a profile into a chain: a source of base credentials, then the role hops from it to the profile.
 * Follows `source_profile` to any depth; a cycle or a missing profile is a UserError naming it.
 */
export function resolveChain(files: AwsFiles, target: string, options: ResolveOptions): Chain {
  const visited: string[] = [];
  const seen = new Set<string>();
  const roleProfiles: Array<{ name: string; section: ProfileSection }> = [];
  let name = target;
  let source: SourceStep;
  for (;;) {
    const section = files.profiles.get(name);
    if (!section) throw missingProfile(files, name, target, visited, options.hints ?? true);
    if (seen.has(name))
      throw new UserError(
        `source_profile cycle: ${[...visited, name].join(' → ')}: make one of these profiles use long-term ` +
          `keys or credential_source`,
        2,
      );
    visited.push(name);
    seen.add(name);
    if (role.detect(section)) {
      roleProfiles.unshift({ name, section });
      const next = section.source_profile?.trim();
      if (next && section.credential_source) {
        throw new UserError(`profile '${name}' has both source_profile and credential_source: keep only one`, 2);
      }
      const own = next === name ? ownKeysKindOf(section, files, name) : undefined;
      if (own) {
        source = own.parse(name, section, files);
        break;
      }
      if (next) {
        name = next;
        continue;
      }
      if (section.credential_source) {
        source = credentialSource.parse(name, section, files);
        break;
      }
      throw new UserError(
        `profile '${name}' has role_arn but neither source_profile nor credential_source: add one of them`,
        2,
      );
    }
    source = baseSource(files, name, section, target);
    break;
  }
  return buildChain(files, target, visited, roleProfiles, source, options);
}

function baseSource(files: AwsFiles, name: string, section: ProfileSection, target: string): SourceStep {
  const kind = baseKindOf(section, files, name);
  if (kind) return kind.parse(name, section, files);
  if (name === target) {
    throw new NoCredentialsError(
      `profile '${name}' has no credentials and no role_arn: add aws_access_key_id/aws_secret_access_key, ` +
        `role_arn with source_profile, credential_process or SSO settings`,
      2,
    );
  }
  throw new UserError(
    `profile '${name}' (a source_profile of '${target}') has no credentials: add ` +
      `aws_access_key_id/aws_secret_access_key to ${files.credentialsPath}`,
    2,
  );
}

function buildChain(
  files: AwsFiles,
  target: string,
  visited: string[],
  roleProfiles: Array<{ name: string; section: ProfileSection }>,
  source: SourceStep,
  options: ResolveOptions,
): Chain {
  const sourceToTarget = [...visited].reverse();
  const sessionName = defaultRoleSessionName(options.user, options.nowMs);
  // mfa_serial is the profile's own or inherited from its source profile (as aws-vault does).
  let inheritedSerial: string | undefined;
  const serialAt = new Map<string, string | undefined>();
  for (const name of sourceToTarget) {
    const own = files.profiles.get(name)?.mfa_serial?.trim();
    if (own) inheritedSerial = checkMfaSerial(name, own);
    serialAt.set(name, inheritedSerial);
  }
  const roles: RoleStep[] = roleProfiles.map(({ name, section }) =>
    role.parse(name, section, serialAt.get(name), sessionName),
  );
  const chain: Chain = { profile: target, source, roles, profiles: sourceToTarget };
  const mfaSerial = serialAt.get(target);
  if (mfaSerial) chain.mfaSerial = mfaSerial;
  const mfaProcess = nearest(files, visited, 'mfa_process');
  if (mfaProcess) chain.mfaProcess = mfaProcess;
  const mfaPrompt = nearest(files, visited, 'mfa_prompt');
  if (mfaPrompt) chain.mfaPrompt = mfaPrompt;
  const mfaYkmanAccount = nearest(files, visited, 'mfa_ykman_account');
  if (mfaYkmanAccount) chain.mfaYkmanAccount = mfaYkmanAccount;
  const region = nearest(files, visited, 'region');
  if (region) chain.region = region;
  return chain;
}

/** The first value of `key` walking from the target towards the source. */
function nearest(files: AwsFiles, targetToSource: string[], key: string): string | undefined {
  for (const name of targetToSource) {
    const value = files.profiles.get(name)?.[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

function missingProfile(files: AwsFiles, name: string, target: string, visited: string[], hints: boolean): UserError {
  const hint = hints ? `: ${missingProfileHint(files, name)}` : '';
  if (name === target) return new ProfileNotFoundError(`profile '${name}' not found${hint}`, 2);
  return new UserError(`profile '${name}' (source_profile of '${visited[visited.length - 1]}') not found${hint}`, 2);
}

/**
 * Runs `work` (which resolves many profiles and keeps only the messages of their errors) without capturing a
 * stack trace for each error: over tens of thousands of broken profiles the traces cost more than the rest.
 */
export function withoutStackTraces<T>(work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** True when tfmfa has work to do for this chain: a role to assume or an MFA session to open. */
export function chainNeedsSession(chain: Chain): boolean {
  // Stored long-term keys never leave tfmfa (even without role or MFA they become a GetSessionToken session);
  // an `aws login` session is served by tfmfa to the tools that cannot read it.
  return chain.roles.length > 0 || chain.mfaSerial !== undefined || kindOfStep(chain.source).toolsCannotRead === true;
}
