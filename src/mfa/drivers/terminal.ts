import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ReadStream, WriteStream } from 'node:tty';
import { UserError } from '../../errors.ts';
import { timeoutError } from '../dialog.ts';
import { isMfaCode, MFA_ATTEMPTS, normalizeMfaCode, type MfaCodeSource, type PromptContext } from '../types.ts';

const TERMINAL = '/dev/tty';

/** True when this process has a controlling terminal it can open, whatever stdin and stdout are. */
export function terminalAvailable(): boolean {
  try {
    closeSync(openSync(TERMINAL, 'r+'));
    return true;
  } catch {
    return false;
  }
}

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
      const input = new ReadStream(openSync(TERMINAL, 'r'));
      const output = new WriteStream(openSync(TERMINAL, 'w'));
      const lines = createInterface({ input, output, terminal: true, historySize: 0 });
      const stop = new AbortController();
      let cancelled = false;
      let timedOut = false;
      const cancel = () => {
        cancelled = true;
        stop.abort();
      };
      lines.on('SIGINT', cancel);
      lines.on('close', cancel);
      const timer = setTimeout(() => {
        timedOut = true;
        stop.abort();
      }, context.timeoutSeconds * 1000);
      try {
        if (previousRejection) output.write(`${previousRejection} (attempt ${attempt} of ${MFA_ATTEMPTS})\n`);
        for (;;) {
          let typed: string;
          try {
            typed = await lines.question(`Enter MFA code for ${context.serial}: `, { signal: stop.signal });
          } catch (error) {
            if (!stop.signal.aborted) throw error;
            output.write('\n');
            if (timedOut && !cancelled) throw timeoutError('terminal', context);
            throw new UserError('MFA prompt cancelled', 130);
          }
          const code = normalizeMfaCode(typed);
          if (isMfaCode(code)) return code;
          output.write('The code is 6 digits (spaces are ignored); try again, Ctrl-C cancels\n');
        }
      } finally {
        clearTimeout(timer);
        lines.off('close', cancel);
        lines.close();
        input.setRawMode?.(false);
        input.destroy();
        output.destroy();
      }
    },
  };
}
