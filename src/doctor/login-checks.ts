import type { Settings } from '../environment/settings.ts';
import type { Chain } from '../config/types.ts';
import { UserError } from '../errors.ts';
import { secondsLeft } from '../credentials.ts';
import { checkLoginClock, loginCommand, loginTokenCredentials, readLoginToken } from '../config/login-token.ts';
import { formatDuration } from '../views/table.ts';
import { fail, ok, warning, type Check } from './check.ts';

/**
 * The `aws login` token behind a chain, if it has one: present, readable, the user's and 0600, a sane expiry
 * (never a secret: the path and the time left).
 */
export function loginTokenChecks(chain: Chain | null, settings: Settings): Check[] {
  if (chain?.source.kind !== 'login-session') return [];
  const { profile, session } = chain.source;
  try {
    const { path, token } = readLoginToken(session, profile, settings);
    checkLoginClock(token, path, profile);
    const left = secondsLeft(loginTokenCredentials(token));
    if (left <= 0) {
      return [
        warning(
          `aws login token ${path} of '${profile}': yours, private (600); its credentials ` +
            `expired ${formatDuration(-left)} ago: tfmfa refreshes them on the next use while the sign-in ` +
            `session lasts (up to 12 h)`,
          `if that fails, run \`${loginCommand(profile)}\``,
        ),
      ];
    }
    return [
      ok(
        `aws login token ${path} of '${profile}': yours, private (600); credentials ` +
          `valid ${formatDuration(left)} more (refreshed by tfmfa through the sign-in service)`,
      ),
    ];
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return [fail(error.message, `run \`${loginCommand(profile)}\` (tfmfa reads and refreshes the token it writes)`)];
  }
}
