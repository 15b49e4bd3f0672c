import { shWord } from '../output/quoting.ts';

/** Who asks for a session: a shim (nowhere to pass options) or a tfmfa command (which takes --mfa-token). */
export type SessionCaller = 'shim' | 'command';

export interface NoTerminalRequest {
  profile: string;
  /** The MFA device the code is for. */
  serial: string;
  caller: SessionCaller;
}

/**
 * The one line for an MFA code that is needed when there is no terminal to ask on and no cached session
 * (an IDE task, cron, a Makefile under a GUI): the ways out that fit the caller. A shim has nowhere to pass
 * --mfa-token, so it names open-session (with the profile filled in) and mfa_process only.
 */
export function noTerminalAdvice({ profile, serial, caller }: NoTerminalRequest): string {
  const need = `an MFA code is needed for ${serial} (profile '${profile}') but there is no terminal to ask on`;
  const openSession = `run 'tfmfa open-session ${shWord(profile)}' in a terminal first (later runs use the cached session)`;
  if (caller === 'shim') return `${need}: ${openSession}, or set mfa_process in the profile`;
  return `${need}: pass --mfa-token CODE, ${openSession}, or set mfa_process in the profile`;
}
