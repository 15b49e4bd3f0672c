import type { ProfileSection, RoleStep } from '../types.ts';
import { checkDurationSeconds, checkExternalId, checkRoleArn, checkRoleSessionName } from '../validate.ts';

/** A profile with `role_arn`: one AssumeRole hop. */
export function isRoleProfile(section: ProfileSection): boolean {
  return Boolean(section.role_arn?.trim());
}

export function roleStep(profile: string, section: ProfileSection, mfaSerial: string | undefined, defaultSessionName: string): RoleStep {
  const step: RoleStep = {
    kind: 'role',
    profile,
    roleArn: checkRoleArn(profile, (section.role_arn ?? '').trim()),
    roleSessionName: section.role_session_name ? checkRoleSessionName(profile, section.role_session_name.trim()) : defaultSessionName,
  };
  if (section.external_id) step.externalId = checkExternalId(profile, section.external_id.trim());
  if (section.duration_seconds) step.durationSeconds = checkDurationSeconds(profile, section.duration_seconds);
  if (mfaSerial) step.mfaSerial = mfaSerial;
  return step;
}
