import { UserError } from '../errors.ts';
import { askOnTerminal, terminalAvailable } from '../terminal-question.ts';

/**
 * Asks one question on the controlling terminal until it gets a valid, non-empty answer (an empty one cancels).
 * A secret is read without echo. `what` names the fallback for scripts in the error when there is no terminal.
 */
export async function askRequired(
  message: string,
  options: { secret: boolean; what: string; validate?: (value: string) => true | string; note?: string },
): Promise<string> {
  if (!terminalAvailable())
    throw new UserError(`no terminal to ask for ${options.what} on: ${noTerminalHint(options.what)}`, 2);
  let note: string | undefined = options.note;
  for (;;) {
    const reply = await askOnTerminal(`${message} `, { hidden: options.secret, ...(note ? { note } : {}) });
    if (!('answer' in reply) || reply.answer.trim() === '')
      throw new UserError(`cancelled: ${options.what} was not given`, 130);
    const value = reply.answer.trim();
    const verdict = options.validate?.(value) ?? true;
    if (verdict === true) return value;
    note = verdict;
  }
}

function noTerminalHint(what: string): string {
  if (what.includes('passphrase')) return 'set TFMFA_FILE_PASSPHRASE, or run tfmfa from a terminal';
  if (what.includes('key'))
    return 'use --env with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run tfmfa from a terminal';
  return 'run tfmfa from a terminal';
}
