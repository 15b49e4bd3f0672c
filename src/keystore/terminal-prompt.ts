import { openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { UserError } from '../errors.ts';
import { terminalAvailable } from '../mfa/terminal.ts';

const TERMINAL = '/dev/tty';

/**
 * Asks one question on the controlling terminal (not stdin/stdout, which may be pipes). A secret is read
 * without echo. `what` names the fallback for scripts in the error when there is no terminal.
 */
export async function askOnTerminal(message: string, options: { secret: boolean; what: string; validate?: (value: string) => true | string }): Promise<string> {
  if (!terminalAvailable()) throw new UserError(`no terminal to ask for ${options.what} on: ${noTerminalHint(options.what)}`, 2);
  const { default: prompts } = await import('prompts');
  const input = new ReadStream(openSync(TERMINAL, 'r'));
  const output = new WriteStream(openSync(TERMINAL, 'w'));
  try {
    let cancelled = false;
    const answer = await prompts(
      {
        type: options.secret ? 'invisible' : 'text',
        name: 'value',
        message,
        ...(options.validate ? { validate: (value: string) => options.validate?.(value.trim()) ?? true } : {}),
        stdin: input,
        stdout: output,
      },
      { onCancel: () => { cancelled = true; } },
    );
    const value = typeof answer.value === 'string' ? answer.value.trim() : '';
    if (cancelled || value === '') throw new UserError(`cancelled: no ${options.what} given`, 130);
    return value;
  } finally {
    input.setRawMode?.(false);
    input.destroy();
    output.destroy();
  }
}

function noTerminalHint(what: string): string {
  if (what.includes('passphrase')) return 'set TFMFA_FILE_PASSPHRASE, or run tfmfa from a terminal';
  if (what.includes('key')) return "use --env with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run tfmfa from a terminal";
  return 'run tfmfa from a terminal';
}
