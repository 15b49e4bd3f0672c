import { UserError } from '../errors.ts';
import { isMfaCode, normalizeMfaCode, type MfaCodeSource } from './types.ts';

/** Checks `--mfa-token` up front, before any cache lookup, so a typo is reported even on a warm cache. */
export function checkMfaToken(token: string): string {
  const code = normalizeMfaCode(token);
  if (!isMfaCode(code)) throw new UserError('--mfa-token must be the 6-digit code your MFA device shows now', 2);
  return code;
}

/** `--mfa-token CODE`: used once, never retried. */
export function flagSource(token: string): MfaCodeSource {
  const code = checkMfaToken(token);
  return { name: 'flag', retryable: false, code: async () => code };
}
