import type { CommandModule, CommandTable } from './index.ts';
import { UserError } from '../errors.ts';
import { flagsFromHelp, wordsFromUsage, type CommandSpec, type PositionalKind } from '../completion/command-spec.ts';
import { bashScript, fishScript, SHELLS, zshScript, type Shell } from '../completion/scripts.ts';
import { parseCommandArgs } from './args.ts';

export const summary = 'print a shell completion script (bash, zsh, fish)';

export const help = `Usage: tfmfa completion bash|zsh|fish

Prints a completion script for tfmfa's commands, their flags, and the profile names of your AWS
config. Profile names are read when you press Tab (through 'tfmfa list'), so new profiles complete
without regenerating the script.

  bash   add to ~/.bashrc:   source <(tfmfa completion bash)
  zsh    add to ~/.zshrc (after compinit):   source <(tfmfa completion zsh)
         or: tfmfa completion zsh > "\${fpath[1]}/_tfmfa"
  fish   tfmfa completion fish > ~/.config/fish/completions/tfmfa.fish

Options:
  -h, --help    show this help`;

/** What each command's positional arguments are, for completion; the commands themselves are index.ts's. */
const POSITIONALS: Record<string, PositionalKind['kind']> = {
  exec: 'profile-command',
  'credential-process': 'profile',
  export: 'profile',
  'terragrunt-auth': 'profile',
  shim: 'words',
  list: 'none',
  clear: 'profiles',
  doctor: 'profile',
  login: 'profile',
  'open-session': 'profiles',
  completion: 'words',
  add: 'profile',
  remove: 'profile',
  import: 'profiles',
  rotate: 'profile',
};

export async function commandSpecs(commands: CommandTable): Promise<CommandSpec[]> {
  return Promise.all(Object.entries(commands).map(async ([name, load]) => {
    const kind = POSITIONALS[name] ?? 'none';
    const module = await load();
    let positional: PositionalKind;
    if (kind === 'words') {
      const words = wordsFromUsage(module.help, name);
      positional = words.length ? { kind: 'words', words } : { kind: 'none' };
    } else {
      positional = { kind } as PositionalKind;
    }
    return { name, summary: module.summary, flags: flagsFromHelp(module.help), positional };
  }));
}

const OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

async function run(argv: string[], commands: CommandTable): Promise<number> {
  const { values, positionals } = parseCommandArgs('completion', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const shell = positionals[0];
  if (shell === undefined) throw new UserError(`completion: which shell? run 'tfmfa completion ${SHELLS.join('|')}'`, 2);
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UserError(`completion: unsupported shell '${shell}': use one of ${SHELLS.join(', ')}`, 2);
  if (positionals.length > 1) throw new UserError(`completion: unexpected argument '${positionals[1]}': run 'tfmfa completion --help'`, 2);
  const specs = await commandSpecs(commands);
  const scripts: Record<Shell, (specs: CommandSpec[]) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
  process.stdout.write(scripts[shell as Shell](specs));
  return 0;
}

/** The completion command for a table of commands (index.ts's). */
export function completionCommand(commands: CommandTable): CommandModule {
  return { summary, help, run: (argv) => run(argv, commands) };
}
