import { UserError } from '../../errors.ts';
import type { AwsFiles, ProfileSection, SsoSource } from '../types.ts';

/** IAM Identity Center: `sso_session` (with an `[sso-session]` section) or the legacy `sso_start_url` keys. */
export function isSsoProfile(section: ProfileSection): boolean {
  return Boolean(section.sso_session || section.sso_start_url || section.sso_account_id);
}

export function ssoSource(profile: string, section: ProfileSection, files: AwsFiles): SsoSource {
  if (section.sso_session && !files.ssoSessions.has(section.sso_session)) {
    throw new UserError(`profile '${profile}' names sso_session '${section.sso_session}' but there is no [sso-session ${section.sso_session}] section in ${files.configPath}`, 2);
  }
  for (const key of ['sso_account_id', 'sso_role_name']) {
    if (!section[key]) throw new UserError(`profile '${profile}' is an SSO profile without ${key}: add it to ${files.configPath}`, 2);
  }
  return { kind: 'sso', profile };
}
