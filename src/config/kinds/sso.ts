import { UserError } from '../../errors.ts';
import { providerInit, type SourceKind } from './kind.ts';

export interface SsoSource {
  kind: 'sso';
  profile: string;
}

/** IAM Identity Center: `sso_session` (with an `[sso-session]` section) or the legacy `sso_start_url` keys. */
export const sso: SourceKind<SsoSource, 'sso'> = {
  step: 'sso',
  listName: 'sso',
  triggers: ['sso_session', 'sso_start_url'],
  keys: ['sso_session', 'sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name', 'sso_registration_scopes'],
  detect: (section) => Boolean(section.sso_session || section.sso_start_url || section.sso_account_id),
  parse(profile, section, files) {
    if (section.sso_session && !files.ssoSessions.has(section.sso_session)) {
      throw new UserError(
        `profile '${profile}' names sso_session '${section.sso_session}' but there is no ` +
          `[sso-session ${section.sso_session}] section in ${files.configPath}`,
        2,
      );
    }
    for (const key of ['sso_account_id', 'sso_role_name']) {
      if (!section[key])
        throw new UserError(`profile '${profile}' is an SSO profile without ${key}: add it to ${files.configPath}`, 2);
    }
    return { kind: 'sso', profile };
  },
  async fetch(step, paths) {
    const { fromSSO } = await import('@aws-sdk/credential-providers');
    return fromSSO(providerInit(step.profile, paths))();
  },
  origin: () => 'SSO (run `aws sso login`?)',
  describe: (step) => `SSO (IAM Identity Center) of profile '${step.profile}' (needs a valid 'aws sso login')`,
};
