/**
 * What shell completion needs to know about a command, read from the command's own `--help` text so that
 * the completions follow the commands without a second list of flags to keep in step.
 */
export type PositionalKind =
  | { kind: 'none' }
  | { kind: 'profile' }
  | { kind: 'profiles' }
  /** A profile, then a command line of its own (exec). */
  | { kind: 'profile-command' }
  /** One of fixed words (completion bash|zsh|fish). */
  | { kind: 'words'; words: string[] };

export interface FlagSpec {
  /** `--mfa-token`. */
  name: string;
  short?: string;
  takesValue: boolean;
  /** Values offered after the flag, from a usage line such as `--format sh|fish|json`. */
  choices: string[];
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  flags: FlagSpec[];
  positional: PositionalKind;
}

const FLAG_LINE = /^\s{2,}(?:-([A-Za-z]), )?(--[a-z][a-z0-9-]*)(?:[ =](\S+))?(?:\s{2,}(\S.*))?$/;

export function flagsFromHelp(help: string): FlagSpec[] {
  const lines = help.split('\n');
  const usage = lines.find((line) => line.startsWith('Usage:')) ?? '';
  const flags = new Map<string, FlagSpec>();
  lines.forEach((line, index) => {
    const match = FLAG_LINE.exec(line);
    if (!match) return;
    const [, short, name, metavar, first] = match as unknown as [string, string | undefined, string, string | undefined, string | undefined];
    if (flags.has(name)) return;
    // A description may go on over more deeply indented lines.
    let description = first ?? '';
    const column = first === undefined ? Infinity : line.indexOf(first);
    for (let next = index + 1; next < lines.length; next++) {
      const text = lines[next] as string;
      const indent = text.length - text.trimStart().length;
      if (text.trim() === '' || indent < column || FLAG_LINE.test(text)) break;
      description += ` ${text.trim()}`;
    }
    const takesValue = metavar !== undefined && /^[A-Z][A-Z0-9_.]*$/.test(metavar);
    const choices = takesValue ? choicesInUsage(usage, name) : [];
    flags.set(name, { name, ...(short ? { short: `-${short}` } : {}), takesValue, choices, description: shorten(description.trim()) });
  });
  return [...flags.values()];
}

/** The gist of a help description, for a completion menu: up to its first aside, at most 72 characters. */
function shorten(text: string): string {
  const aside = text.search(/ \(|: /);
  const gist = aside >= 15 ? text.slice(0, aside) : text;
  if (gist.length <= 72) return gist;
  const cut = gist.lastIndexOf(' ', 71);
  return `${gist.slice(0, cut > 20 ? cut : 71)}…`;
}

function choicesInUsage(usage: string, flag: string): string[] {
  const escaped = flag.replace(/[-]/g, '\\-');
  const match = new RegExp(`${escaped}[ =]([\\w-]+(?:\\|[\\w-]+)+)`).exec(usage);
  return match ? (match[1] as string).split('|') : [];
}

/** `Usage: tfmfa completion bash|zsh|fish` → the words. */
export function wordsFromUsage(help: string, command: string): string[] {
  const usage = help.split('\n').find((line) => line.startsWith('Usage:')) ?? '';
  const match = new RegExp(`tfmfa ${command}(?: \\[options\\])? ([a-z][\\w-]*(?:\\|[a-z][\\w-]*)+)`).exec(usage);
  return match ? (match[1] as string).split('|') : [];
}
