/**
 * Byte-for-byte pass-through of arguments and environment values that are not valid UTF-8. Node can only hand
 * strings to execve and spawn, and encodes them as UTF-8, so such a value would reach the command as U+FFFD.
 * When the command's argv or environment holds one and the raw bytes are known (raw-argv.ts, Linux), the
 * command is started through /bin/sh instead: the values travel as printf octal escapes (plain ASCII) and the
 * shell rebuilds the bytes, exports them and execs the command. Only this rare case pays for the extra exec.
 * Limits: argv[0] becomes the command's path; a variable whose name is not a shell name keeps Node's view.
 */
import { isUtf8 } from 'node:buffer';
import { rawProcess, type RawProcess } from './raw-argv.ts';

export interface ExecPlan {
  file: string;
  argv: string[];
  env: Record<string, string>;
}

const SHELL = '/bin/sh';
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every byte as a printf octal escape: plain ASCII that no shell word splitting or globbing touches. */
function octal(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) out += `\\${byte.toString(8).padStart(3, '0')}`;
  return out;
}

/**
 * Rebuilds "NAME ESCAPED" pairs into exported variables, then the file and its arguments, and execs it.
 * `x` guards the trailing newlines that command substitution would strip. PWD, which sh sets itself, is put
 * back as the command had it (or removed).
 */
const SCRIPT = `__tfmfa_n=$1; shift
while [ "$__tfmfa_n" -gt 0 ]; do
  __tfmfa_v=$(printf "$2"x) || exit 126
  export "$1=\${__tfmfa_v%x}"
  shift 2; __tfmfa_n=$((__tfmfa_n - 1))
done
[ "$1" = - ] && unset PWD
shift
__tfmfa_n=$#
while [ "$__tfmfa_n" -gt 0 ]; do
  __tfmfa_v=$(printf "$1"x) || exit 126
  set -- "$@" "\${__tfmfa_v%x}"; shift; __tfmfa_n=$((__tfmfa_n - 1))
done
unset __tfmfa_n __tfmfa_v
exec "$@"`;

const hasReplacement = (value: string) => value.includes('\uFFFD');

/**
 * How to start `file` with `argv` and `env` so that values Node decoded lossily arrive as the bytes we were
 * given; null when plain execve/spawn already passes everything exactly (the usual case, decided without
 * reading /proc) or the bytes cannot be known.
 */
export function rawExecPlan(
  file: string,
  argv: string[],
  env: Record<string, string>,
  raw: () => RawProcess | null = rawProcess,
): ExecPlan | null {
  if (!argv.some(hasReplacement) && !Object.values(env).some(hasReplacement)) return null;
  const known = raw();
  if (!known || Object.keys(env).some((name) => name.startsWith('__tfmfa_'))) return null;

  // The command's arguments that are our own last arguments, unchanged, have known bytes.
  const own = known.decoded;
  let shared = 0;
  while (
    shared < argv.length - 1 &&
    shared < own.length &&
    argv[argv.length - 1 - shared] === own[own.length - 1 - shared]
  )
    shared++;
  const args: Buffer[] = argv.slice(1).map((arg, i) => {
    const fromEnd = argv.length - 1 - (i + 1);
    return fromEnd < shared ? (known.args[known.args.length - 1 - fromEnd] as Buffer) : Buffer.from(arg);
  });

  const rawValues = new Map<string, Buffer>();
  for (const [name, value] of Object.entries(env)) {
    const bytes = known.environ.get(name);
    if (hasReplacement(value) && SHELL_NAME.test(name) && bytes && bytes.toString('utf8') === value && !isUtf8(bytes))
      rawValues.set(name, bytes);
  }
  if (rawValues.size === 0 && args.every((bytes) => isUtf8(bytes))) return null;

  if (env.PWD !== undefined && !rawValues.has('PWD')) rawValues.set('PWD', Buffer.from(env.PWD));
  const plainEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !rawValues.has(name)));
  const pairs = [...rawValues].flatMap(([name, bytes]) => [name, octal(bytes)]);
  return {
    file: SHELL,
    argv: [
      'sh',
      '-c',
      SCRIPT,
      'tfmfa',
      String(rawValues.size),
      ...pairs,
      env.PWD === undefined ? '-' : '+',
      octal(Buffer.from(file)),
      ...args.map(octal),
    ],
    env: plainEnv,
  };
}
