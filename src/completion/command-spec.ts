/**
 * What shell completion needs to know about a command, derived from the command's declaration
 * (src/commands/command.ts), so that the completions follow the commands without a second list to keep in step.
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
