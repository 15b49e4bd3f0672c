import type { Settings } from '../environment/settings.ts';
/** Where an MFA code comes from. `attempt` counts from 1; a rejected code leads to the next attempt if `retryable`. */
export interface MfaCodeSource {
  /** 'flag', 'mfa_process' or a prompt driver's name (drivers/index.ts). */
  readonly name: string;
  readonly retryable: boolean;
  code(attempt: number, previousRejection?: string): Promise<string>;
}

export interface MfaRequest {
  serial: string;
  profile: string;
  /** `--mfa-token CODE`, checked where the flag is parsed (mfa/flag.ts). */
  mfaCode?: MfaCode;
  /** The profile's `mfa_process` command. */
  mfaProcess?: string;
  /** `--prompt NAME`. */
  prompt?: string;
  /** The profile's `mfa_prompt`. */
  profilePrompt?: string;
  /** The profile's `mfa_ykman_account` (the OATH account ykman reads; default: the MFA device ARN). */
  ykmanAccount?: string;
  /** True when the run is a shim's: it has no command line of its own, so `--mfa-token` cannot help. */
  shim?: boolean;
  settings: Settings;
}

/** What a driver needs to ask for a code. */
export interface PromptContext {
  serial: string;
  profile: string;
  settings: Settings;
  timeoutSeconds: number;
  /** The YubiKey OATH account holding the device's secret: the profile's `mfa_ykman_account`, else the device ARN. */
  account: string;
  /** Whether this run has a controlling terminal (where a touch notice goes first). */
  terminal: boolean;
}

export const MFA_ATTEMPTS = 3;

/** A code as typed or pasted: `123 456`, ` 123456 ` and `123456` are the same code. */
export function normalizeMfaCode(text: string): string {
  return text.replace(/\s+/g, '');
}

export function isMfaCode(text: string): boolean {
  return /^\d{6}$/.test(text);
}

/**
 * A code given on the command line (`--mfa-token`) or typed at the up-front renewal, already checked: the one
 * type and name (`mfaCode`) it keeps from the flag to STS. Only `checkMfaCodeFlag` (mfa/flag.ts) and
 * `asMfaCode` make one, so a path that forgets the check does not typecheck.
 */
export type MfaCode = string & { readonly checkedMfaCode: true };

/** `text` as a checked code (spaces dropped), or undefined when it is not six digits. */
export function asMfaCode(text: string): MfaCode | undefined {
  const code = normalizeMfaCode(text);
  return isMfaCode(code) ? (code as MfaCode) : undefined;
}
