import type { ProfileSection } from '../files.ts';
import { checkDurationSeconds, checkExternalId, checkRoleArn, checkRoleSessionName } from '../validate.ts';
import { checkSourceIdentity, parseSessionTags, parseTransitiveTagKeys, type SessionTag } from '../session-tags.ts';
import { present } from './kind.ts';

/** One AssumeRole hop of a chain, as a role profile's settings give it. */
export interface RoleStep {
  kind: 'role';
  profile: string;
  roleArn: string;
  externalId?: string;
  /** From `duration_seconds`; absent means STS's default (3600). */
  durationSeconds?: number;
  roleSessionName: string;
  /**
   * True when `role_session_name` is configured (else roleSessionName is the per-run default, which has the time in
   * it).
   */
  sessionNameConfigured?: boolean;
  /** The profile's own `mfa_serial`, or the one it inherits from its source profile. */
  mfaSerial?: string;
  /** aws-vault's `session_tags`, `transitive_session_tags`, `source_identity`: AssumeRole parameters of this hop. */
  sessionTags?: SessionTag[];
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
}

/** A profile with `role_arn`: one AssumeRole hop from its `source_profile` or `credential_source`. */
export const role = {
  listName: 'role' as const,
  triggers: ['role_arn'],
  /** With the MFA keys, which a role hop uses (the device may be inherited from the source profile). */
  keys: [
    'role_arn',
    'source_profile',
    'external_id',
    'role_session_name',
    'duration_seconds',
    'mfa_serial',
    'mfa_process',
  ],
  detect: (section: ProfileSection) => present(section, 'role_arn'),
  parse(profile: string, section: ProfileSection, mfaSerial: string | undefined, defaultSessionName: string): RoleStep {
    const step: RoleStep = {
      kind: 'role',
      profile,
      roleArn: checkRoleArn(profile, (section.role_arn ?? '').trim()),
      roleSessionName: section.role_session_name
        ? checkRoleSessionName(profile, section.role_session_name.trim())
        : defaultSessionName,
    };
    if (section.role_session_name) step.sessionNameConfigured = true;
    if (section.external_id) step.externalId = checkExternalId(profile, section.external_id.trim());
    if (section.duration_seconds) step.durationSeconds = checkDurationSeconds(profile, section.duration_seconds);
    if (mfaSerial) step.mfaSerial = mfaSerial;
    const tags = section.session_tags ? parseSessionTags(profile, section.session_tags) : [];
    if (tags.length) step.sessionTags = tags;
    const transitive = section.transitive_session_tags
      ? parseTransitiveTagKeys(profile, section.transitive_session_tags)
      : [];
    if (transitive.length) step.transitiveTagKeys = transitive;
    if (section.source_identity?.trim()) step.sourceIdentity = checkSourceIdentity(profile, section.source_identity);
    return step;
  },
} as const;
