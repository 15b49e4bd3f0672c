import { UserError } from '../errors.ts';
import { isMfaCode, type MfaCodeSource } from './types.ts';

/** `--mfa-token CODE`: used once, never retried. */
export function flagSource(token: string): MfaCodeSource {
  const code = token.trim();
  if (!isMfaCode(code)) throw new UserError('--mfa-token must be the 6-digit code your MFA device shows now', 2);
  return { name: 'flag', retryable: false, code: async () => code };
}
