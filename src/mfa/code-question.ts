import { UserError } from '../errors.ts';
import { askOnTerminal } from '../terminal-question.ts';
import { asMfaCode, normalizeMfaCode, type MfaCode } from './types.ts';

export interface CodeQuestion {
  /** Shown above the question the first time (a previous rejection, say). */
  note?: string;
  /** Shown above the question after an answer that is not a code. */
  retryNote: string;
  /** A limit for the whole exchange, retries included, and the error when it passes. Default: no limit. */
  timeout?: { seconds: number; error: () => Error };
  /** Enter alone is an answer ('' is returned), not a mistake. */
  allowEmpty?: boolean;
}

/**
 * Asks `question` on the terminal until the answer is an MFA code: spaces dropped (`123 456` as authenticator
 * apps show it), then six digits. Ctrl-C or Ctrl-D cancel (exit 130). The one loop behind every terminal
 * question for a code: the terminal prompt driver and the long run's up-front renewal.
 */
export async function askMfaCode(question: string, options: CodeQuestion): Promise<MfaCode | ''> {
  const deadline = options.timeout && Date.now() + options.timeout.seconds * 1000;
  let note = options.note;
  for (;;) {
    const timeoutSeconds = deadline === undefined ? undefined : Math.max(0.001, (deadline - Date.now()) / 1000);
    const reply = await askOnTerminal(question, {
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      ...(note ? { note } : {}),
    });
    // askOnTerminal times out only when given a limit, so only with options.timeout.
    if ('timedOut' in reply) throw (options.timeout as NonNullable<CodeQuestion['timeout']>).error();
    if ('cancelled' in reply) throw new UserError('MFA prompt cancelled', 130);
    const code = asMfaCode(reply.answer);
    if (code !== undefined) return code;
    if (options.allowEmpty && normalizeMfaCode(reply.answer) === '') return '';
    note = options.retryNote;
  }
}
