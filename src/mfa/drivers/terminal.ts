import { askMfaCode } from '../code-question.ts';
import { timeoutError } from '../dialog.ts';
import { MFA_ATTEMPTS, type MfaCodeSource, type PromptContext } from '../types.ts';
import { defineDriver } from './driver.ts';

export { terminalAvailable } from '../../terminal-question.ts';

/**
 * Prompts on the controlling terminal (`/dev/tty`), not on stdin/stdout: those are pipes under Terraform,
 * credential_process and `| tee`. Node's line editor does the editing (Backspace, Ctrl-U clears the field,
 * Ctrl-A/E...); spaces are dropped (`123 456` as authenticator apps show it), then six digits are required.
 * Ctrl-C or Ctrl-D cancel (exit 130); no answer within the prompt timeout ends the wait.
 */
function terminalSource(context: PromptContext): MfaCodeSource {
  return {
    name: 'terminal',
    retryable: true,
    async code(attempt, previousRejection) {
      return askMfaCode(`Enter MFA code for ${context.serial}: `, {
        ...(previousRejection ? { note: `${previousRejection} (attempt ${attempt} of ${MFA_ATTEMPTS})` } : {}),
        retryNote: 'The code is 6 digits (spaces are ignored); try again, Ctrl-C cancels',
        timeout: { seconds: context.timeoutSeconds, error: () => timeoutError('terminal', context) },
      });
    },
  };
}

export const terminal = defineDriver({
  name: 'terminal',
  title: 'asked on the terminal',
  source: terminalSource,
});
