/** `TFMFA_DEBUG=1` decision log on stderr. Callers never pass secrets here. */
export const debugEnabled = process.env.TFMFA_DEBUG === '1';

export function debug(message: string): void {
  if (debugEnabled) process.stderr.write(`tfmfa[debug] ${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`tfmfa: warning: ${message}\n`);
}
