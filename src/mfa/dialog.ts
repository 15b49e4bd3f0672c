import { UserError } from '../errors.ts';
import { findProgram, lastLine, runProgram, type ProgramOutcome } from './program.ts';
import { isMfaCode, MFA_ATTEMPTS, normalizeMfaCode, type MfaCodeSource, type PromptContext } from './types.ts';

/** How one desktop dialog program is asked for a password-style entry. */
export interface DialogProgram {
  /** The prompt driver's name. */
  driver: string;
  /** The executable looked up on PATH. */
  program: string;
  /** What to do when it is not installed. */
  install: string;
  args(title: string, text: string, timeoutSeconds: number): string[];
  /** The user pressed Cancel, Escape or closed the window. */
  cancelled(exitCode: number, stderr: string): boolean;
  /** The program gave up by itself after the timeout it was given. */
  timedOut?(exitCode: number, stderr: string): boolean;
}

/** Wrong entries (not six digits) a dialog accepts before giving up. */
const MALFORMED_LIMIT = 3;
/** A program with a timeout of its own (zenity, osascript) gets this long to give up by itself before ours fires. */
const BACKSTOP_SECONDS = 5;

export function dialogTitle(profile: string): string {
  return `tfmfa: MFA code for ${profile}`;
}

/**
 * A desktop dialog as an MFA code source: a password-style entry titled with the profile and naming the
 * device. The code comes back on the program's stdout; Cancel is exit 130, "MFA prompt cancelled".
 */
export function dialogSource(dialog: DialogProgram, context: PromptContext): MfaCodeSource {
  return {
    name: dialog.driver,
    retryable: true,
    async code(attempt, previousRejection) {
      const file = findProgram(dialog.program, context.settings);
      if (!file)
        throw new UserError(`${dialog.program} is not installed (MFA prompt '${dialog.driver}'): ${dialog.install}`);
      const deadline = Date.now() + context.timeoutSeconds * 1000;
      let note = previousRejection ? `${previousRejection} (attempt ${attempt} of ${MFA_ATTEMPTS}).` : '';
      for (let entry = 1; ; entry++) {
        const secondsLeft = Math.ceil((deadline - Date.now()) / 1000);
        if (secondsLeft <= 0) throw timeoutError(dialog.driver, context);
        const text = `${note ? `${note}\n` : ''}Enter the 6-digit code of the MFA device ${context.serial}`;
        const outcome = await runProgram(file, dialog.args(dialogTitle(context.profile), text, secondsLeft), {
          env: context.settings.environment,
          timeoutSeconds: secondsLeft + (dialog.timedOut ? BACKSTOP_SECONDS : 0),
        });
        const code = answer(dialog, outcome, context);
        if (isMfaCode(code)) return code;
        if (entry >= MALFORMED_LIMIT)
          throw new UserError(
            `the ${dialog.driver} dialog got no 6-digit code in ${MALFORMED_LIMIT} tries: run again and enter ` +
              `the code your MFA device shows`,
          );
        note = 'The code is 6 digits.';
      }
    },
  };
}

/** The normalised answer of one dialog, or the error its outcome means. */
function answer(dialog: DialogProgram, outcome: ProgramOutcome, context: PromptContext): string {
  switch (outcome.kind) {
    case 'missing':
      throw new UserError(`${dialog.program} is not installed (MFA prompt '${dialog.driver}'): ${dialog.install}`);
    case 'failed':
      throw new UserError(
        `${dialog.program} could not be started (${outcome.message}): check the installation or choose another ` +
          `MFA prompt (TFMFA_PROMPT)`,
      );
    case 'timeout':
      throw timeoutError(dialog.driver, context);
    case 'exited':
      if (outcome.exitCode === 0) return normalizeMfaCode(outcome.stdout);
      if (dialog.timedOut?.(outcome.exitCode, outcome.stderr)) throw timeoutError(dialog.driver, context);
      if (dialog.cancelled(outcome.exitCode, outcome.stderr)) throw new UserError('MFA prompt cancelled', 130);
      throw new UserError(
        `${dialog.program} failed ` +
          `(exit ${outcome.exitCode}${lastLine(outcome.stderr) ? `: ${lastLine(outcome.stderr)}` : ''}): check ` +
          `that a desktop session is reachable (DISPLAY, WAYLAND_DISPLAY) or choose another MFA prompt (TFMFA_PROMPT)`,
      );
  }
}

export function timeoutError(driver: string, context: PromptContext): UserError {
  return new UserError(
    `no MFA code was entered within ${context.timeoutSeconds}s (${driver} prompt for profile ` +
      `'${context.profile}'): run again, or allow more time with TFMFA_PROMPT_TIMEOUT`,
  );
}
