import { UserError } from '../errors.ts';
import type { AwsCredentials } from '../credentials.ts';
import { SERVER_FLOOR_SECONDS } from '../session/margin.ts';
import { profileSession, type ProfileSession, type SessionRequest } from '../session/profile-session.ts';

/** The request the server resolves with: TFMFA_MIN_TTL raised to the server's floor. */
export function serverRequest(request: SessionRequest): SessionRequest {
  return { ...request, minTtlFloor: SERVER_FLOOR_SECONDS };
}

/** The same request without `--mfa-token`: a TOTP code is accepted once, so only the first resolution uses it. */
export function withoutMfaCode(request: SessionRequest): SessionRequest {
  const { mfaCode: _used, renewSessionBelow: _done, ...rest } = request;
  return rest;
}

export interface Supplier {
  /** The profile's credentials now: from the cache, or renewed (and prompting when the MFA session is gone). */
  (): Promise<AwsCredentials>;
}

export interface SupplierOptions {
  /** Resolves the session; `profileSession` unless a test says otherwise. */
  resolve?: (request: SessionRequest) => Promise<ProfileSession>;
  /** One line for the user (stderr), without secrets. */
  log: (line: string) => void;
}

/**
 * Credentials for the server's requests, one resolution at a time: a request arriving while a resolution runs
 * (STS, or an MFA prompt the user has not answered yet) waits for that one and shares its outcome, so that a
 * burst of requests never prompts more than once. Each failure is logged once, not once per retry.
 */
export function credentialSupplier(request: SessionRequest, options: SupplierOptions): Supplier {
  const resolve = options.resolve ?? profileSession;
  const later = withoutMfaCode(request);
  let running: Promise<AwsCredentials> | undefined;
  let lastLogged: string | undefined;
  const once = async (): Promise<AwsCredentials> => {
    try {
      const { credentials } = await resolve(later);
      lastLogged = undefined;
      return credentials;
    } catch (error) {
      const explained = explain(error, request.profile);
      if (explained.message !== lastLogged) {
        lastLogged = explained.message;
        options.log(`credential server: ${explained.message}`);
      }
      throw explained;
    }
  };
  return () => {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };
}

/**
 * A failure as the child (and the user) should read it. The MFA session ran out and no code can be asked for
 * (no terminal, no mfa_process): `--mfa-token` cannot help a running command, a new session in the cache can.
 */
export function explain(error: unknown, profile: string): UserError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UserError && /no terminal to ask on/.test(message)) {
    return new UserError(
      `the MFA session for profile '${profile}' has expired and there is no terminal to ask for a code: ` +
        `run 'tfmfa open-session ${profile}' in a terminal (or set mfa_process in the profile); ` +
        'the running command gets credentials again on its next request',
    );
  }
  return new UserError(
    `cannot renew the credentials of profile '${profile}': ${message}`,
    error instanceof UserError ? error.exitCode : 1,
  );
}
