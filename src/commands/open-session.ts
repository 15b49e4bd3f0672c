import type { Settings } from '../environment/settings.ts';
import { chainIn, loadUserFiles } from '../config/chain.ts';
import { chainNeedsSession } from '../config/resolve.ts';
import type { AwsFiles } from '../config/files.ts';
import { selectedProfile } from '../environment/profile.ts';
import { sessionTtlSeconds } from '../environment/variables.ts';
import { sessionEnvironment } from '../launch/session-environment.ts';
import { planChain } from '../session/strategy.ts';
import { SessionCache } from '../store/session-cache.ts';
import { compareNames, requireKnownProfile } from '../views/profiles.ts';
import { formatDuration } from '../views/table.ts';
import { mfaCodeOption, parseCommand, printHelp, sessionRequest, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'open-session',
  summary: 'open and cache the MFA session and role sessions of profiles ahead of time',
  usage: '[options] [PROFILE...]',
  about: `Opens each PROFILE's MFA session and its role sessions now, in this terminal (asking for the MFA code
once per device), caches them and writes the profiles' tickets. Runs without a terminal later on (an
IDE task, cron, a Makefile under a GUI, the shims there) are then served from the cache until the
sessions end. Says how long the MFA session lasts and which profiles it serves: every profile whose
chain uses it assumes its roles without another code.

PROFILE defaults to AWS_PROFILE, AWS_DEFAULT_PROFILE, TFMFA_DEFAULT_PROFILE, then 'default'.`,
  options: SESSION_OPTIONS,
  positionals: { kind: 'profiles' },
  footer: `Example:
  tfmfa open-session prod staging --session-ttl 12h`,
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const profiles = positionals.length ? [...new Set(positionals)] : [selectedProfile(settings).profile];
  const loadedAtMs = Date.now();
  const files = await loadUserFiles(settings);
  for (const profile of profiles) requireKnownProfile('open-session', files, profile);
  const useSession = !values['no-session'];
  const ttl = sessionTtlSeconds(values['session-ttl'], settings);
  const reported = new Set<string>();
  // Every profile's chain first: a profile that does not resolve stops the command before anything is opened.
  const chains = profiles.map((profile) => ({
    profile,
    loaded: chainIn(files, profile, settings, loadedAtMs),
  }));
  for (const { profile, loaded } of chains) {
    if (!chainNeedsSession(loaded.chain)) {
      process.stdout.write(`profile '${profile}' needs neither MFA nor a role: nothing to open\n`);
      continue;
    }
    const { session } = await sessionEnvironment(sessionRequest(profile, settings, values, mfaCode), loaded);
    const cache = new SessionCache(session.cacheDir);
    const steps = planChain(loaded.chain, { useSession, sessionTtlSeconds: ttl }).steps;
    const mfaSession = steps[0]?.kind === 'get-session-token' ? steps[0] : undefined;
    if (mfaSession && !reported.has(mfaSession.cacheKey)) {
      reported.add(mfaSession.cacheKey);
      const entry = cache.read(mfaSession.cacheKey);
      const served = profilesUsing(files, settings, loadedAtMs, mfaSession.cacheKey, useSession, ttl);
      process.stdout.write(
        `${mfaSession.label}: ${entry ? lasts(entry.expiration) : 'not cached (the cache directory is not usable)'}\n`,
      );
      process.stdout.write(`  serves ${served.length} profile(s) without another code: ${served.join(', ')}\n`);
    }
    const final = steps.at(-1);
    if (final && final !== mfaSession) {
      const expiration = session.credentials.expiration;
      const fromLogin = loaded.chain.source.kind === 'login-session' && !final.mfaSerial;
      const renewal = mfaSession
        ? 'renewed from the MFA session without a code while it lasts'
        : fromLogin
          ? 'renewed from the aws login session while it lasts'
          : 'asks for a code again when it ends';
      process.stdout.write(
        `profile '${profile}': ${final.label}: ${expiration ? lasts(expiration.toISOString()) : 'open'} (${renewal})\n`,
      );
    }
    const source = loaded.chain.source;
    if (!final && source.kind === 'login-session' && session.credentials.expiration) {
      process.stdout.write(
        `profile '${profile}': aws login ` +
          `session ${source.session}: ${lasts(session.credentials.expiration.toISOString())} (refreshed ` +
          `through the sign-in service while the aws login session lasts)\n`,
      );
    }
  }
  return 0;
}

/** `until 2026-11-30 04:12 UTC (7h59m left)` */
function lasts(expiration: string): string {
  const at = new Date(expiration);
  const stamp = at
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
  return `open until ${stamp} (${formatDuration((at.getTime() - Date.now()) / 1000)} left)`;
}

/** Every profile whose chain starts from the MFA session `key` (the profiles that session serves), sorted. */
function profilesUsing(
  files: AwsFiles,
  settings: Settings,
  loadedAtMs: number,
  key: string,
  useSession: boolean,
  ttl: number,
): string[] {
  const served: string[] = [];
  for (const name of files.profiles.keys()) {
    try {
      const { chain } = chainIn(files, name, settings, loadedAtMs);
      if (planChain(chain, { useSession, sessionTtlSeconds: ttl }).steps[0]?.cacheKey === key) served.push(name);
    } catch {
      // a profile that does not resolve is served by nothing
    }
  }
  return served.sort(compareNames);
}
