import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

/** Settings that come from the environment, shared by every command. */

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TFMFA_CACHE_DIR) return env.TFMFA_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tfmfa');
  return join(env.HOME || homedir(), '.cache', 'tfmfa');
}

export const SESSION_TTL_DEFAULT = 8 * 3600;
export const SESSION_TTL_MIN = 900;
export const SESSION_TTL_MAX = 129600;
export const ROLE_CHAINING_LIMIT = 3600;

/** Seconds before expiry at which a cached credential counts as expired (`TFMFA_MIN_TTL`, default 5 min). */
export function minimumTtlSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return secondsSetting('TFMFA_MIN_TTL', env.TFMFA_MIN_TTL, 300, 0, 43200);
}

/** How long to wait for another tfmfa holding the MFA lock (`TFMFA_LOCK_TIMEOUT`, default 180 s). */
export function lockTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return secondsSetting('TFMFA_LOCK_TIMEOUT', env.TFMFA_LOCK_TIMEOUT, 180, 1, 3600);
}

/** Parses a duration such as `3600`, `90m`, `8h`, `1h30m`. */
export function parseDuration(name: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match || trimmed === '') {
    throw new UserError(`${name} must be a duration like 3600, 90m or 8h, got '${text}'`, 2);
  }
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

export function sessionTtlSeconds(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const [name, value] = flag !== undefined ? ['--session-ttl', flag] : ['TFMFA_SESSION_TTL', env.TFMFA_SESSION_TTL];
  if (value === undefined || value === '') return SESSION_TTL_DEFAULT;
  const seconds = parseDuration(name, value);
  if (seconds < SESSION_TTL_MIN || seconds > SESSION_TTL_MAX) {
    throw new UserError(`${name} must be between 15m and 36h (STS GetSessionToken limits), got '${value}'`, 2);
  }
  return seconds;
}

function secondsSetting(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const seconds = parseDuration(name, value);
  if (seconds < min || seconds > max) throw new UserError(`${name} must be between ${min} and ${max} seconds, got '${value}'`, 2);
  return seconds;
}
