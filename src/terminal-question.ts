import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { ReadStream, WriteStream } from 'node:tty';

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

export type TerminalAnswer = { answer: string } | { cancelled: true } | { timedOut: true };

/**
 * Asks one question on the controlling terminal (`/dev/tty`), not on stdin/stdout (pipes under Terraform,
 * credential_process, `| tee`). Node's line editor does the editing (Backspace, Ctrl-U clears the field);
 * Ctrl-C or Ctrl-D cancel. `hidden` echoes nothing (secrets, passphrases). `note` is written first.
 */
export async function askOnTerminal(
  question: string,
  options: { hidden?: boolean; timeoutSeconds?: number; note?: string } = {},
): Promise<TerminalAnswer> {
  const input = new ReadStream(openSync(TERMINAL, 'r'));
  const output = new WriteStream(openSync(TERMINAL, 'w'));
  // A hidden answer: the line editor echoes into nothing; the question goes to the terminal directly.
  const echo = options.hidden ? new Writable({ write: (_chunk, _encoding, done) => done() }) : output;
  const lines = createInterface({ input, output: echo, terminal: true, historySize: 0 });
  const stop = new AbortController();
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    stop.abort();
  };
  lines.on('SIGINT', cancel);
  lines.on('close', cancel);
  const timer = options.timeoutSeconds ? setTimeout(() => stop.abort(), options.timeoutSeconds * 1000) : undefined;
  try {
    if (options.note) output.write(`${options.note}\n`);
    if (options.hidden) output.write(question);
    try {
      const answer = await lines.question(options.hidden ? '' : question, { signal: stop.signal });
      if (options.hidden) output.write('\n');
      return { answer };
    } catch (error) {
      if (!stop.signal.aborted) throw error;
      output.write('\n');
      return cancelled ? { cancelled: true } : { timedOut: true };
    }
  } finally {
    if (timer) clearTimeout(timer);
    lines.off('close', cancel);
    lines.close();
    input.setRawMode?.(false);
    input.destroy();
    output.destroy();
  }
}
