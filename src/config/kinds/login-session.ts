import { UserError } from '../../errors.ts';
import {
  checkLoginClock,
  LOGIN_REFRESH_SECONDS,
  secondsUntil,
  loginTokenCredentials,
  loginTokenPath,
  readLoginToken,
} from '../login-token.ts';
import { present, type SourceKind } from './kind.ts';

export interface LoginSessionSource {
  kind: 'login-session';
  profile: string;
  /** The `login_session` value: the principal ARN `aws login` signed in as (its hash names the token file). */
  session: string;
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/;

/**
 * `login_session` (`aws login`, AWS CLI 2.32+): credentials from the token file the AWS tools keep, which
 * Terraform, older CLIs and Go tools cannot read, so tfmfa always serves such a profile itself. A token with
 * enough time left is read without the AWS SDK; one about to expire is refreshed through the sign-in service
 * (config/login-refresh.ts). Whatever is derived from it never outlives it (`boundToSource`).
 */
export const loginSession: SourceKind<LoginSessionSource, 'login'> = {
  step: 'login-session',
  listName: 'login',
  triggers: ['login_session'],
  keys: ['login_session'],
  toolsCannotRead: true,
  boundToSource: true,
  floorCapSeconds: LOGIN_REFRESH_SECONDS,
  detect: (section) => present(section, 'login_session'),
  parse(profile, section) {
    const session = (section.login_session ?? '').trim();
    if (!PRINCIPAL_ARN.test(session))
      throw new UserError(
        `profile '${profile}': login_session '${session}' is not the principal ARN \`aws login\` writes: run ` +
          `\`aws login --profile ${profile}\` to set it again`,
        2,
      );
    return { kind: 'login-session', profile, session };
  },
  async fetch(step, paths, settings) {
    const { path, token } = readLoginToken(step.session, step.profile, settings);
    checkLoginClock(token, path, step.profile);
    const credentials = loginTokenCredentials(token);
    // The AWS SDK's own refresh threshold: the refresh (its code) happens exactly when tfmfa asks for one.
    const refreshBelowSeconds = LOGIN_REFRESH_SECONDS;
    if (secondsUntil(credentials.expiration) >= refreshBelowSeconds) return credentials;
    const { refreshLoginCredentials } = await import('../login-refresh.ts');
    return refreshLoginCredentials({
      profile: step.profile,
      session: step.session,
      paths,
      settings,
      refreshBelowSeconds,
    });
  },
  origin: () => 'aws login',
  describe: (step, _files, settings) =>
    `aws login session ${step.session} of profile '${step.profile}' ` +
    `(token ${loginTokenPath(step.session, settings)})`,
};
