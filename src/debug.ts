import { setting } from './environment/variables.ts';

/** `TFMFA_DEBUG=1` decision log on stderr. Callers never pass secrets here. */
export const debugEnabled = setting(process.env, 'debug');

export function debug(message: string): void {
  if (debugEnabled) process.stderr.write(`tfmfa[debug] ${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`tfmfa: warning: ${message}\n`);
}

const warnedAbout = new Set<string>();

/** Warns about `topic` at most once per process (a cache that cannot be written, say, is one problem). */
export function warnOnce(topic: string, message: string): void {
  if (warnedAbout.has(topic)) return;
  warnedAbout.add(topic);
  warn(message);
}
