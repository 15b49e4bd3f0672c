import type { CommandDeclaration, CommandModule, CommandTable } from './command.ts';
import { UserError } from '../errors.ts';
import type { CommandSpec, FlagSpec } from '../completion/command-spec.ts';
import { bashScript, fishScript, SHELLS, zshScript, type Shell } from '../completion/scripts.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';

const command = defineCommand({
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh, fish)',
  usage: SHELLS.join('|'),
  about: `Prints a completion script for tfmfa's commands, their flags, and the profile names of your AWS
config. Profile names are read when you press Tab (through 'tfmfa list'), so new profiles complete
without regenerating the script.

  bash   add to ~/.bashrc:   source <(tfmfa completion bash)
  zsh    add to ~/.zshrc (after compinit):   source <(tfmfa completion zsh)
         or: tfmfa completion zsh > "\${fpath[1]}/_tfmfa"
  fish   tfmfa completion fish > ~/.config/fish/completions/tfmfa.fish`,
  options: {},
  positionals: { kind: 'words', words: [...SHELLS] },
});

/** The gist of a help text, for a completion menu: its first line up to its first aside, at most 72 characters. */
function gist(help: string): string {
  const text = help.split('\n')[0] as string;
  const aside = text.search(/ \(|: /);
  const short = aside >= 15 ? text.slice(0, aside) : text;
  if (short.length <= 72) return short;
  const cut = short.lastIndexOf(' ', 71);
  return `${short.slice(0, cut > 20 ? cut : 71)}…`;
}

/** A command's flags as completion offers them: its visible options and its subcommands', `--help` last. */
export function flagsOf(declaration: CommandDeclaration): FlagSpec[] {
  const flags = new Map<string, FlagSpec>();
  for (const { options } of [declaration, ...(declaration.subcommands ?? [])]) {
    for (const [name, option] of Object.entries(options)) {
      if (option.hidden || name === 'help' || flags.has(`--${name}`)) continue;
      flags.set(`--${name}`, {
        name: `--${name}`,
        ...(option.short ? { short: `-${option.short}` } : {}),
        takesValue: option.type === 'string',
        choices: [...(option.choices ?? [])],
        description: gist(option.help),
      });
    }
  }
  return [
    ...flags.values(),
    { name: '--help', short: '-h', takesValue: false, choices: [], description: 'show this help' },
  ];
}

export async function commandSpecs(commands: CommandTable): Promise<CommandSpec[]> {
  return Promise.all(
    Object.entries(commands).map(async ([name, load]) => {
      const { command: declaration } = await load();
      return { name, summary: declaration.summary, flags: flagsOf(declaration), positional: declaration.positionals };
    }),
  );
}

async function run(argv: string[], commands: CommandTable): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const shell = positionals[0];
  if (shell === undefined)
    throw new UserError(`completion: which shell? run 'tfmfa completion ${SHELLS.join('|')}'`, 2);
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UserError(`completion: unsupported shell '${shell}': use one of ${SHELLS.join(', ')}`, 2);
  if (positionals.length > 1)
    throw new UserError(`completion: unexpected argument '${positionals[1]}': run 'tfmfa completion --help'`, 2);
  const specs = await commandSpecs(commands);
  const scripts: Record<Shell, (specs: CommandSpec[]) => string> = {
    bash: bashScript,
    zsh: zshScript,
    fish: fishScript,
  };
  process.stdout.write(scripts[shell as Shell](specs));
  return 0;
}

/** The completion command for a table of commands (index.ts's). */
export function completionCommand(commands: CommandTable): CommandModule {
  return { command, run: (argv) => run(argv, commands) };
}
