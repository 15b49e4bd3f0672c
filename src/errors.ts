/** An error the user can fix: printed as one line `tfmfa: <message>`, exit status `exitCode`. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** Prints an error as one line on stderr and returns the exit status to use. */
export function reportError(error: unknown, showStack = false): number {
  if (error instanceof UserError) {
    process.stderr.write(`tfmfa: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tfmfa: unexpected error: ${oneLine(message)} (run with TFMFA_DEBUG=1 for details)\n`);
  if (showStack && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
