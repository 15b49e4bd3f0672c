import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { UserError } from '../errors.ts';
import { isMfaCode, MFA_ATTEMPTS, type MfaCodeSource } from './types.ts';

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
 * credential_process and `| tee`. Accepts exactly six digits.
 */
export function terminalSource(serial: string): MfaCodeSource {
  return {
    name: 'terminal',
    retryable: true,
    async code(attempt, previousRejection) {
      const { default: prompts } = await import('prompts');
      const input = new ReadStream(openSync(TERMINAL, 'r'));
      const output = new WriteStream(openSync(TERMINAL, 'w'));
      try {
        if (previousRejection) output.write(`${previousRejection} (attempt ${attempt} of ${MFA_ATTEMPTS})\n`);
        let cancelled = false;
        const answer = await prompts(
          {
            type: 'text',
            name: 'code',
            message: `Enter MFA code for ${serial}:`,
            validate: (value: string) => (isMfaCode(value.trim()) ? true : 'The code is 6 digits'),
            stdin: input,
            stdout: output,
          },
          { onCancel: () => { cancelled = true; } },
        );
        const code = typeof answer.code === 'string' ? answer.code.trim() : '';
        if (cancelled || !isMfaCode(code)) throw new UserError('MFA prompt cancelled', 130);
        return code;
      } finally {
        input.setRawMode?.(false);
        input.destroy();
        output.destroy();
      }
    },
  };
}
