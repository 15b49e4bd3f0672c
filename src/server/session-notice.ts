import type { LoadedChain } from '../config/chain.ts';
import type { Chain } from '../config/types.ts';
import { debug, warn } from '../debug.ts';
import { sessionTtlSeconds } from '../environment/variables.ts';
import { askMfaCode } from '../mfa/code-question.ts';
import { terminalAvailable } from '../terminal-question.ts';
import { secondsLeft } from '../credentials.ts';
import type { SessionRequest } from '../session/profile-session.ts';
import { planChain } from '../session/strategy.ts';
import { entryCredentials, SessionCache } from '../store/session-cache.ts';

/** A cached MFA session with less than this left is renewed by the first resolution anyway (with a prompt). */
const ALREADY_STALE_SECONDS = 60;

/** What to do about the MFA session before a long run starts. */
export type SessionNotice =
  | { action: 'none'; reason: string }
  /** Renew it now: a code from the terminal (Enter keeps the current one), mfa_process or --mfa-token. */
  | { action: 'renew'; secondsLeft: number; prompt: boolean }
  /** No way to ask for a code: one warning, and the run starts. */
  | { action: 'warn'; secondsLeft: number };

/** "14 min", "2 h 5 min": how long the MFA session has left, for people. */
export function humanDuration(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** Seconds left on the chain's cached MFA session (GetSessionToken), or null when the chain has none cached. */
export function mfaSessionLeft(request: SessionRequest, chain: Chain): number | null {
  const settings = request.settings;
  const plan = planChain(chain, {
    useSession: request.useSession ?? true,
    sessionTtlSeconds: sessionTtlSeconds(request.sessionTtl, settings),
  });
  const step = plan.steps.find((s) => s.kind === 'get-session-token');
  if (!step) return null;
  const entry = new SessionCache(settings.cacheDir).read(step.cacheKey);
  return entry ? secondsLeft(entryCredentials(entry)) : null;
}

/**
 * The rule for a long run (TFMFA_SESSION_NOTICE, 1 h by default): a cached MFA session with less left than the
 * threshold would make the run ask for a code midway (or fail without a terminal), so it is renewed up front
 * when a code can be had (terminal, mfa_process, --mfa-token) and warned about once otherwise.
 */
export function sessionNotice(request: SessionRequest, loaded: LoadedChain): SessionNotice {
  const threshold = request.settings.sessionNotice;
  if (threshold === 0) return { action: 'none', reason: 'TFMFA_SESSION_NOTICE=0' };
  const left = mfaSessionLeft(request, loaded.chain);
  if (left === null) return { action: 'none', reason: 'no cached MFA session (the first resolution starts one)' };
  if (left < ALREADY_STALE_SECONDS)
    return { action: 'none', reason: 'the MFA session is about to end (the first resolution renews it)' };
  if (left >= threshold) return { action: 'none', reason: `the MFA session has ${humanDuration(left)} left` };
  if (request.mfaCode !== undefined || loaded.chain.mfaProcess)
    return { action: 'renew', secondsLeft: left, prompt: false };
  if (terminalAvailable()) return { action: 'renew', secondsLeft: left, prompt: true };
  return { action: 'warn', secondsLeft: left };
}

/**
 * Applies the rule before the run: the request to resolve first, asking to renew the session when it should.
 * On a terminal the user types a code (used once, like --mfa-token) or presses Enter to keep the session.
 */
export async function upFrontRequest(request: SessionRequest, loaded: LoadedChain): Promise<SessionRequest> {
  const notice = sessionNotice(request, loaded);
  const profile = request.profile;
  if (notice.action === 'none') {
    debug(`MFA session check: ${notice.reason}`);
    return request;
  }
  const left = humanDuration(notice.secondsLeft);
  if (notice.action === 'warn') {
    warn(
      `the MFA session for profile '${profile}' ends in ${left} and there is no terminal to ask for a code: a ` +
        `run that lasts longer fails then; run 'tfmfa open-session ${profile}' in a terminal first`,
    );
    return request;
  }
  const renewing: SessionRequest = { ...request, renewSessionBelow: notice.secondsLeft + 1 };
  if (!notice.prompt) {
    debug(`MFA session check: ${left} left, renewing it up front without a prompt`);
    return renewing;
  }
  const code = await askMfaCode(
    `tfmfa: the MFA session ends in ${left}: enter a code to renew it now, or press Enter to continue: `,
    {
      retryNote: 'The code is 6 digits (spaces are ignored); Enter alone keeps the current session',
      allowEmpty: true,
    },
  );
  if (code !== '') return { ...renewing, mfaCode: code };
  debug('the up-front renewal was declined: continuing with the current MFA session');
  return request;
}
