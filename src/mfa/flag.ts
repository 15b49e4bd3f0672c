import { UserError } from '../errors.ts';
import { asMfaCode, type MfaCode, type MfaCodeSource } from './types.ts';

/**
 * Checks `--mfa-token` where the flag is parsed (every command that takes it, rotate included), before any
 * cache lookup, so a typo is reported even on a warm cache. The one check: later layers take the MfaCode.
 */
export function checkMfaCodeFlag(text: string): MfaCode {
  const code = asMfaCode(text);
  if (code === undefined) throw new UserError('--mfa-token must be the 6-digit code your MFA device shows now', 2);
  return code;
}

/** `--mfa-token CODE`: used once, never retried. */
export function flagSource(code: MfaCode): MfaCodeSource {
  return { name: 'flag', retryable: false, code: async () => code };
}
