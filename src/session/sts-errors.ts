import { UserError } from '../errors.ts';

/** How tfmfa reacts to an STS failure. */
export type StsFailureKind =
  'mfa-rejected' | 'credentials-gone' | 'invalid-key' | 'bad-secret' | 'clock' | 'unreachable' | 'other';

export class StsError extends UserError {
  readonly kind: StsFailureKind;
  readonly code: string;
  constructor(kind: StsFailureKind, code: string, message: string) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** Turns an SDK error into a one-line StsError that says what happened and what to do. */
export function classifyStsError(action: string, error: unknown, profile: string): StsError {
  const err = error as { name?: string; code?: string; message?: string; Code?: string };
  const code = err.Code ?? err.name ?? 'Error';
  const message = (err.message ?? String(error)).trim();
  if (code === 'AccessDenied' && /MultiFactorAuthentication|MFA/i.test(message)) {
    return new StsError(
      'mfa-rejected',
      code,
      `AWS rejected the MFA code (${message}): codes are single-use, wait for the next one`,
    );
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    return new StsError(
      'credentials-gone',
      code,
      `STS ${action} failed: the session credentials have expired (ExpiredToken)`,
    );
  }
  if (code === 'InvalidClientTokenId') {
    return new StsError(
      'invalid-key',
      code,
      `STS ${action} failed: the access key of profile '${profile}' is not valid (InvalidClientTokenId): check ` +
        `aws_access_key_id in your AWS credentials file, or create a new key`,
    );
  }
  if (code === 'RequestExpired' || (code === 'SignatureDoesNotMatch' && /expired|time/i.test(message))) {
    return new StsError(
      'clock',
      code,
      `STS ${action} failed: the request time was refused (${code}): this machine's clock is off by more than ` +
        `5 minutes; synchronise it (e.g. 'timedatectl set-ntp true')`,
    );
  }
  if (code === 'SignatureDoesNotMatch') {
    return new StsError(
      'bad-secret',
      code,
      `STS ${action} failed: the secret access key for profile '${profile}' does not match its key id ` +
        `(SignatureDoesNotMatch): check aws_secret_access_key in your AWS credentials file (a wrong clock can ` +
        `cause this too)`,
    );
  }
  const network =
    err.code && NETWORK_CODES.has(err.code)
      ? err.code
      : /ECONNREFUSED|ENOTFOUND|socket hang up|timed? ?out/i.test(`${code} ${message}`)
        ? code
        : undefined;
  if (network || code === 'TimeoutError' || code === 'RequestTimeout') {
    return new StsError(
      'unreachable',
      code,
      `cannot reach STS for ${action} (${network ?? code}: ${message}): check your network, proxy, and any ` +
        `endpoint_url / AWS_ENDPOINT_URL_STS setting (TFMFA_STS_TIMEOUT sets the timeout)`,
    );
  }
  return new StsError('other', code, `STS ${action} failed: ${code}: ${message}`);
}
