/** Where an MFA code comes from. `attempt` counts from 1; a rejected code leads to the next attempt if `retryable`. */
export interface MfaCodeSource {
  readonly name: 'flag' | 'mfa_process' | 'terminal';
  readonly retryable: boolean;
  code(attempt: number, previousRejection?: string): Promise<string>;
}

export interface MfaRequest {
  serial: string;
  profile: string;
  /** `--mfa-token CODE`. */
  flagToken?: string;
  /** The profile's `mfa_process` command. */
  mfaProcess?: string;
}

export const MFA_ATTEMPTS = 3;

export function isMfaCode(text: string): boolean {
  return /^\d{6}$/.test(text);
}
