/**
 * The bytes this process was started with, where Node's own view is lossy: Node decodes process.argv and
 * process.env as UTF-8 and replaces what is not valid UTF-8 with U+FFFD. On Linux, /proc/self/cmdline and
 * /proc/self/environ still hold the bytes execve gave us. Elsewhere (or if /proc is not mounted, or does not
 * agree with Node's view) there is no way to get them: null.
 */
import { readFileSync } from 'node:fs';

export interface RawProcess {
  /** Node's decoded view of our own arguments: process.argv.slice(2). */
  decoded: string[];
  /** Their raw bytes, index for index. */
  args: Buffer[];
  /** The raw value of each variable of the environment we were started with, by (decoded) name. */
  environ: Map<string, Buffer>;
}

function splitNul(data: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = data.indexOf(0); i >= 0; i = data.indexOf(0, start)) {
    parts.push(data.subarray(start, i));
    start = i + 1;
  }
  if (start < data.length) parts.push(data.subarray(start));
  return parts;
}

/** The raw argv and environment, checked against Node's decoded view; null where the platform cannot say. */
export function rawProcess(argv: readonly string[] = process.argv): RawProcess | null {
  if (process.platform !== 'linux') return null;
  let cmdline: Buffer;
  let environData: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
    environData = readFileSync('/proc/self/environ');
  } catch {
    return null;
  }
  const own = argv.slice(2);
  const all = splitNul(cmdline);
  if (all.length < own.length) return null;
  const args = all.slice(all.length - own.length);
  // The bytes must decode to exactly what Node gave us, else they are not these arguments (a changed title, say).
  if (args.some((bytes, i) => bytes.toString('utf8') !== own[i])) return null;
  const environ = new Map<string, Buffer>();
  for (const entry of splitNul(environData)) {
    const eq = entry.indexOf(0x3d);
    if (eq <= 0) continue;
    const name = entry.subarray(0, eq).toString('utf8');
    if (!environ.has(name)) environ.set(name, entry.subarray(eq + 1));
  }
  return { decoded: own, args, environ };
}
