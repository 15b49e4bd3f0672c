import { UserError } from '../errors.ts';

/** Checks on single config values, each failing with a message that names the profile, the key and the fix. */

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
/** An MFA device ARN, or a hardware token's serial number (which never starts with `arn:`). */
const MFA_SERIAL = /^(arn:aws[a-z-]*:iam::\d{12}:(mfa|u2f)\/[\w+=,.@\/-]+|(?!arn:)[\w+=\/:,.@-]{9,256})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;
const DURATION_MIN = 900;
const DURATION_MAX = 43200;

function invalid(profile: string, key: string, value: string, expected: string): UserError {
  return new UserError(
    `profile '${profile}': ${key} '${value}' is not valid: expected ${expected}; fix it in your AWS config`,
    2,
  );
}

export function checkRoleArn(profile: string, value: string): string {
  if (!ROLE_ARN.test(value)) throw invalid(profile, 'role_arn', value, 'arn:aws:iam::<12-digit account>:role/<name>');
  return value;
}

export function checkMfaSerial(profile: string, value: string): string {
  if (!MFA_SERIAL.test(value))
    throw invalid(
      profile,
      'mfa_serial',
      value,
      'an MFA device ARN like arn:aws:iam::<account>:mfa/<name>, or a hardware token serial number',
    );
  return value;
}

export function checkRoleSessionName(profile: string, value: string): string {
  if (!SESSION_NAME.test(value))
    throw invalid(profile, 'role_session_name', value, '2 to 64 characters of letters, digits and +=,.@_-');
  return value;
}

export function checkExternalId(profile: string, value: string): string {
  if (!EXTERNAL_ID.test(value))
    throw invalid(profile, 'external_id', value, '2 to 1224 characters of letters, digits and +=,.@:/_-');
  return value;
}

export function checkDurationSeconds(profile: string, value: string): number {
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(seconds >= DURATION_MIN && seconds <= DURATION_MAX)) {
    throw invalid(
      profile,
      'duration_seconds',
      value,
      `a whole number of seconds from ${DURATION_MIN} to ${DURATION_MAX}`,
    );
  }
  return seconds;
}

/** A default role session name CloudTrail readers recognise: tfmfa-<user>-<epoch seconds>. */
export function defaultRoleSessionName(user: string, nowMs: number): string {
  const safeUser = user.replace(/[^\w+=,.@-]/g, '_').slice(0, 40) || 'user';
  return `tfmfa-${safeUser}-${Math.floor(nowMs / 1000)}`;
}
