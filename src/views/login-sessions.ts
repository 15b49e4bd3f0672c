import type { Settings } from '../environment/settings.ts';
import { loginSession } from '../config/kinds/login-session.ts';
import type { AwsFiles } from '../config/files.ts';
import { UserError } from '../errors.ts';
import { checkLoginClock, loginTokenCredentials, readLoginToken } from '../config/login-token.ts';
import { compareNames } from './profiles.ts';
import type { SessionInfo } from './sessions.ts';

/**
 * The `aws login` sessions of the user's login_session profiles, as `tfmfa list` shows sessions: the time
 * its credentials have left (tfmfa refreshes them when they are used), or why the token cannot be used.
 */
export function describeLoginSessions(files: AwsFiles, settings: Settings, nowMs = Date.now()): SessionInfo[] {
  const sessions: SessionInfo[] = [];
  for (const name of [...files.profiles.keys()].sort(compareNames)) {
    const section = files.profiles.get(name) ?? {};
    if (!loginSession.detect(section, files, name)) continue;
    const session = (section.login_session ?? '').trim();
    const info: SessionInfo = {
      label: `aws login ${session}`,
      kind: 'login',
      profile: name,
      expiration: '',
      secondsLeft: 0,
      expired: true,
    };
    try {
      const { path, token } = readLoginToken(session, name, settings);
      checkLoginClock(token, path, name, nowMs);
      const expiration = loginTokenCredentials(token).expiration as Date;
      const left = (expiration.getTime() - nowMs) / 1000;
      Object.assign(info, {
        label: `${info.label} (${path})`,
        expiration: expiration.toISOString(),
        secondsLeft: Math.max(0, Math.floor(left)),
        expired: left <= 0,
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      info.label = `${info.label}: ${error.message}`;
    }
    sessions.push(info);
  }
  return sessions;
}
