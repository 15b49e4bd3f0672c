import { UserError } from '../errors.ts';
import { flagSource } from './flag.ts';
import { processSource } from './process.ts';
import { terminalAvailable, terminalSource } from './terminal.ts';
import type { MfaCodeSource, MfaRequest } from './types.ts';

/** The MFA code source, in this order: `--mfa-token`, the profile's `mfa_process`, the terminal. */
export function chooseMfaSource(request: MfaRequest): MfaCodeSource {
  if (request.flagToken !== undefined) return flagSource(request.flagToken);
  if (request.mfaProcess) return processSource(request.mfaProcess, request.profile);
  if (terminalAvailable()) return terminalSource(request.serial);
  throw new UserError(
    `an MFA code is needed for ${request.serial} (profile '${request.profile}') but there is no terminal to ask on: pass --mfa-token CODE, set mfa_process in the profile, or run from a terminal`,
  );
}
