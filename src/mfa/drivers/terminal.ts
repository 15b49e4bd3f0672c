import { UserError } from '../../errors.ts';
import { askOnTerminal } from '../../terminal-question.ts';
import { timeoutError } from '../dialog.ts';
import { isMfaCode, MFA_ATTEMPTS, normalizeMfaCode, type MfaCodeSource, type PromptContext } from '../types.ts';

export { terminalAvailable } from '../../terminal-question.ts';

/**
 * Prompts on the controlling terminal (`/dev/tty`), not on stdin/stdout: those are pipes under Terraform,
 * credential_process and `| tee`. Node's line editor does the editing (Backspace, Ctrl-U clears the field,
 * Ctrl-A/E...); spaces are dropped (`123 456` as authenticator apps show it), then six digits are required.
 * Ctrl-C or Ctrl-D cancel (exit 130); no answer within the prompt timeout ends the wait.
 */
export function terminalSource(context: PromptContext): MfaCodeSource {
  return {
    name: 'terminal',
    retryable: true,
    async code(attempt, previousRejection) {
      const deadline = Date.now() + context.timeoutSeconds * 1000;
      let note = previousRejection ? `${previousRejection} (attempt ${attempt} of ${MFA_ATTEMPTS})` : undefined;
      for (;;) {
        const timeoutSeconds = Math.max(0.001, (deadline - Date.now()) / 1000);
        const reply = await askOnTerminal(`Enter MFA code for ${context.serial}: `, { timeoutSeconds, ...(note ? { note } : {}) });
        if ('timedOut' in reply) throw timeoutError('terminal', context);
        if ('cancelled' in reply) throw new UserError('MFA prompt cancelled', 130);
        const code = normalizeMfaCode(reply.answer);
        if (isMfaCode(code)) return code;
        note = 'The code is 6 digits (spaces are ignored); try again, Ctrl-C cancels';
      }
    },
  };
}
