import { lstatSync } from 'node:fs';
import type { Chain } from '../config/types.ts';
import { SessionCache, type CacheEntry } from '../store/session-cache.ts';
import { planChain, type PlanStep } from '../session/strategy.ts';
import { SESSION_TTL_DEFAULT } from '../environment/variables.ts';
import { compareNames } from './profiles.ts';

/** A cached session as `tfmfa list` shows it: the entry's label and times, never its keys. */
export interface SessionInfo {
  label: string;
  /** `login`: an `aws login` session (views/login-sessions.ts), whose credentials tfmfa refreshes. */
  kind: CacheEntry['kind'] | 'login';
  profile: string;
  expiration: string;
  /** Whole seconds left, 0 once expired. */
  secondsLeft: number;
  expired: boolean;
}

export function describeEntry(entry: CacheEntry, nowMs = Date.now()): SessionInfo {
  const left = (Date.parse(entry.expiration) - nowMs) / 1000;
  return {
    label: entry.label,
    kind: entry.kind,
    profile: entry.profile,
    expiration: new Date(entry.expiration).toISOString(),
    secondsLeft: Math.max(0, Math.floor(left)),
    expired: left <= 0,
  };
}

/**
 * The readable entries of the session cache, without creating or changing anything. A cache directory that is
 * missing, or that tfmfa would refuse to use (a symlink, not a directory), has none.
 */
export function cacheEntries(cacheDir: string): CacheEntry[] {
  const cache = new SessionCache(cacheDir);
  for (const dir of [cache.dir, cache.sessionsDir]) {
    try {
      if (!lstatSync(dir).isDirectory()) return [];
    } catch {
      return [];
    }
  }
  return cache
    .list()
    .sort(
      (a, b) => compareNames(a.profile, b.profile) || compareNames(a.kind, b.kind) || compareNames(a.label, b.label),
    );
}

export function describeSessions(cacheDir: string, nowMs = Date.now()): SessionInfo[] {
  return cacheEntries(cacheDir).map((entry) => describeEntry(entry, nowMs));
}

/**
 * Every plan step a chain can leave in the cache: the plan with an MFA session and the one without
 * (`--no-session`) key the role differently, and either may have been used. The session TTL does not enter a key.
 */
export function chainSteps(chain: Chain): PlanStep[] {
  const steps = new Map<string, PlanStep>();
  for (const useSession of [true, false]) {
    for (const step of planChain(chain, { useSession, sessionTtlSeconds: SESSION_TTL_DEFAULT }).steps)
      steps.set(step.cacheKey, step);
  }
  return [...steps.values()];
}

/** The cache key under which a chain's final credentials live (with an MFA session, the default), if any. */
export function finalCacheKey(chain: Chain, useSession = true): string | undefined {
  return planChain(chain, { useSession, sessionTtlSeconds: SESSION_TTL_DEFAULT }).steps.at(-1)?.cacheKey;
}
