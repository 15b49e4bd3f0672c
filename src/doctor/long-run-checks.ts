import type { Settings } from '../environment/settings.ts';
import type { Chain } from '../config/types.ts';
import { variableName } from '../environment/variables.ts';
import { humanDuration, mfaSessionLeft } from '../server/session-notice.ts';
import { LONG_RUN, LONG_RUN_OFF } from '../shim/long-run.ts';
import { UserError } from '../errors.ts';
import { fail, info, warning, type Check } from './check.ts';

/**
 * `tfmfa doctor`'s "Long runs" section: which commands get the renewing credential server and how to change
 * that, and whether the profile's MFA session will last a long run started now.
 */
export function longRunChecks(settings: Settings, profile: string, chain: Chain | null): Check[] {
  const override = settings.longRun;
  const list = Object.entries(LONG_RUN)
    .map(([tool, entries]) => `${tool} ${entries.join(', ')}`)
    .join('; ');
  const replaced = override
    ? `; ${variableName('longRun')}="${override}" replaces the list for the tools it names`
    : '';
  const rule =
    override === LONG_RUN_OFF
      ? `server mode is off (${variableName('longRun')}=0): every command gets static keys`
      : `long runs get tfmfa's credential server (tfmfa stays the parent and renews the role before any SDK ` +
        `would see it expire): ${list}${replaced}`;
  const checks = [
    info(rule, [
      'every other command gets static keys with at least 15 minutes left (the role is re-assumed first when needed)',
      `change the list per tool: ${variableName('longRun')}="terraform:apply,destroy tofu:" (empty after the ` +
        `colon: never); ${variableName('longRun')}=0 turns it off`,
      "for one command: 'tfmfa exec --server' or 'tfmfa exec --no-server'",
    ]),
  ];
  if (!chain) return checks;
  let threshold: number;
  let left: number | null;
  try {
    threshold = settings.sessionNotice;
    left = mfaSessionLeft({ profile, settings: settings }, chain);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // A bad TFMFA_SESSION_TTL is the Profile section's to report; a bad TFMFA_SESSION_NOTICE is ours.
    if (error.message.startsWith(variableName('sessionNotice')))
      checks.push(fail(error.message, `fix or unset ${variableName('sessionNotice')}`));
    return checks;
  }
  if (left === null) return checks;
  const notice = `${variableName('sessionNotice')}=${humanDuration(threshold)}`;
  if (left < threshold) {
    checks.push(
      warning(
        `the MFA session for '${profile}' ends in ${humanDuration(left)}: a long run started now asks for a ` +
          `code first (${notice})`,
        `start a new session in a terminal before a long run, or lower ${variableName('sessionNotice')}`,
      ),
    );
  } else {
    checks.push(
      info(
        `the MFA session for '${profile}' has ${humanDuration(left)} left: long runs started now need no code ` +
          `midway (${notice})`,
      ),
    );
  }
  return checks;
}
