import { setting } from './environment/variables.ts';
import { oneLine } from './errors.ts';

/** `TFMFA_DEBUG=1` decision log on stderr. Callers never pass secrets here. */
export const debugEnabled = setting(process.env, 'debug');

export function debug(message: string): void {
  if (debugEnabled) process.stderr.write(`tfmfa[debug] ${message}\n`);
}

/** One line on stderr, whatever the message holds (a profile name with a line break, say). */
export function warn(message: string): void {
  process.stderr.write(`tfmfa: warning: ${oneLine(message)}\n`);
}

const warnedAbout = new Set<string>();

/** Warns about `topic` at most once per process (a cache that cannot be written, say, is one problem). */
export function warnOnce(topic: string, message: string): void {
  if (warnedAbout.has(topic)) return;
  warnedAbout.add(topic);
  warn(message);
}
