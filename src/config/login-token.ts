import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { privatePathProblem } from '../store/private-path.ts';
import type { AwsCredentials } from '../credentials.ts';

/**
 * The token file of an `aws login` session, read without the AWS SDK (a cached session never loads it):
 * `$AWS_LOGIN_CACHE_DIRECTORY` (the AWS tools' own variable), else ~/.aws/login/cache, then
 * `<sha256 hex of the login_session value>.json`. Every way the file can be unusable is one line that names
 * the file and the command that fixes it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The AWS SDK's login provider refreshes credentials with this little left; tfmfa refreshes through it, so at the
 * same moment, and serves what derives from them down to it (the kind's floorCapSeconds).
 */
export const LOGIN_REFRESH_SECONDS = 5 * 60;

/** `aws login` credentials last up to 15 minutes; a token that claims much more says the clock is behind. */
export const LOGIN_CREDENTIALS_MAX_SECONDS = 15 * 60;
/** Tolerated beyond that before tfmfa calls the clock wrong (the AWS tools allow 5 minutes of skew). */
const CLOCK_SLACK_SECONDS = 5 * 60;

export interface LoginToken {
  accessToken: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    accountId: string;
    expiresAt: string;
  };
  clientId: string;
  refreshToken: string;
  dpopKey: string;
  [other: string]: unknown;
}

/** The command that makes a new session, in every message that needs one. */
export function loginCommand(profile: string): string {
  return `aws login --profile ${profile}`;
}

export function loginCacheDirectory(settings: Settings): string {
  return settings.awsLoginCacheDirectory || join(settings.home, '.aws', 'login', 'cache');
}

/** Where the token of a `login_session` value is, as the AWS tools compute it. */
export function loginTokenPath(session: string, settings: Settings): string {
  return join(loginCacheDirectory(settings), `${createHash('sha256').update(session, 'utf8').digest('hex')}.json`);
}

function unusable(profile: string, what: string): UserError {
  return new UserError(`profile '${profile}': ${what}: run \`${loginCommand(profile)}\``);
}

/** The token file's text, after the private-path rule (the file holds a refresh token and a private key). */
function readPrivate(path: string, profile: string): string {
  const found = privatePathProblem(path, 'file');
  if (found?.problem === 'missing') throw unusable(profile, `no aws login session (no token file ${path})`);
  if (found?.problem === 'wrong-type')
    throw new UserError(
      `profile '${profile}': the aws login token ${path} ` +
        `is ${found.symlink ? 'a symlink' : 'not a regular file'}: remove it and run \`${loginCommand(profile)}\``,
    );
  if (found?.problem === 'foreign-owner')
    throw new UserError(
      `profile '${profile}': the aws login token ${path} is owned by uid ${found.uid}, not you ` +
        `(uid ${found.me}): remove it and run \`${loginCommand(profile)}\``,
    );
  if (found?.problem === 'open-mode')
    throw new UserError(
      `profile '${profile}': the aws login token ${path} is open to other users (mode ${found.mode}): run ` +
        `'chmod 600 ${path}' (and \`${loginCommand(profile)}\` if others may have read it)`,
    );
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `profile '${profile}': cannot read the aws login token ${path} ` +
        `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): fix its permissions or run ` +
        `\`${loginCommand(profile)}\``,
    );
  }
}

const FIELDS = ['clientId', 'refreshToken', 'dpopKey'] as const;
const ACCESS_FIELDS = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'accountId', 'expiresAt'] as const;

/** Checks a token's shape (the fields the AWS SDK requires, and a readable expiry); `where` names it in errors. */
export function parseLoginToken(text: string, where: string, profile: string): LoginToken {
  if (text.trim() === '') throw unusable(profile, `the aws login token ${where} is empty`);
  let token: unknown;
  try {
    token = JSON.parse(text);
  } catch {
    throw unusable(profile, `the aws login token ${where} is not valid JSON (truncated or corrupt)`);
  }
  if (typeof token !== 'object' || token === null || Array.isArray(token))
    throw unusable(profile, `the aws login token ${where} is not a JSON object`);
  const record = token as Record<string, unknown>;
  const access = (
    typeof record.accessToken === 'object' && record.accessToken !== null ? record.accessToken : {}
  ) as Record<string, unknown>;
  const missing = [
    ...FIELDS.filter((key) => !nonEmpty(record[key])),
    ...ACCESS_FIELDS.filter((key) => !nonEmpty(access[key])).map((key) => `accessToken.${key}`),
  ];
  if (missing.length) throw unusable(profile, `the aws login token ${where} lacks ${missing.join(', ')}`);
  if (Number.isNaN(Date.parse(access.expiresAt as string)))
    throw unusable(profile, `the aws login token ${where} has an unreadable expiresAt '${String(access.expiresAt)}'`);
  return token as LoginToken;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Reads and checks the token of `session` for `profile`. */
export function readLoginToken(
  session: string,
  profile: string,
  settings: Settings,
): { path: string; token: LoginToken } {
  const path = loginTokenPath(session, settings);
  return { path, token: parseLoginToken(readPrivate(path, profile), path, profile) };
}

export function loginTokenCredentials(token: LoginToken): AwsCredentials {
  const access = token.accessToken;
  return {
    accessKeyId: access.accessKeyId,
    secretAccessKey: access.secretAccessKey,
    sessionToken: access.sessionToken,
    expiration: new Date(access.expiresAt),
  };
}

/**
 * A token whose credentials would outlive what `aws login` ever issues means this machine's clock is behind
 * (every expiry check would then pass credentials AWS refuses): one line, nothing used.
 */
export function checkLoginClock(token: LoginToken, path: string, profile: string, nowMs = Date.now()): void {
  const left = (Date.parse(token.accessToken.expiresAt) - nowMs) / 1000;
  if (left > LOGIN_CREDENTIALS_MAX_SECONDS + CLOCK_SLACK_SECONDS) {
    throw new UserError(
      `profile '${profile}': the aws login token ${path} expires in ${Math.round(left / 60)} minutes, but its ` +
        `credentials last at most ${LOGIN_CREDENTIALS_MAX_SECONDS / 60}: this machine's clock is behind; ` +
        `synchronise it (e.g. 'timedatectl set-ntp true')`,
    );
  }
}

/** Seconds from now until `expiration` (login credentials always have one). */
export function secondsUntil(expiration: Date | undefined, nowMs = Date.now()): number {
  return expiration ? (expiration.getTime() - nowMs) / 1000 : Infinity;
}
