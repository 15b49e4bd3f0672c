import type { Settings } from '../environment/settings.ts';
import type { PositionalKind } from '../completion/command-spec.ts';

/**
 * A command declares its options and positionals once, here; parsing (./args.ts), `--help` (helpText) and
 * shell completion (../completion/command-spec.ts) are all derived from the declaration.
 */
export interface OptionDeclaration {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in the help text: `--format FMT`. */
  value?: string;
  /** Fixed values, offered by completion. */
  choices?: readonly string[];
  default?: string;
  /** The help text; `\n` starts a new line in the same column. */
  help: string;
  /** Parsed, but shown neither in `--help` nor by completion (an interface for tfmfa's own scripts). */
  hidden?: boolean;
}

export type OptionTable = Readonly<Record<string, OptionDeclaration>>;

export interface CommandDeclaration<O extends OptionTable = OptionTable> {
  /** `exec`, or `shim install` for a subcommand. */
  name: string;
  summary: string;
  /** What follows `tfmfa NAME` in the usage line. */
  usage: string;
  /** The paragraphs between the usage line and the options. */
  about?: string;
  /** Every option but `--help`, which every command has. */
  options: O;
  positionals: PositionalKind;
  /** The paragraphs after the options (examples). */
  footer?: string;
  /** Subcommands with options of their own (`shim install`): completion offers their flags too. */
  subcommands?: readonly CommandDeclaration[];
}

/** One module per command, loaded only when that command runs. */
export interface CommandModule {
  command: CommandDeclaration;
  /** `settings`: read once at the entry point (cli.ts). */
  run(argv: string[], settings: Settings): Promise<number>;
}

export type CommandTable = Readonly<Record<string, () => Promise<CommandModule>>>;

export const HELP_OPTION = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies OptionTable;

/** The declaration with `--help` added to its options. */
export function defineCommand<const O extends OptionTable>(
  declaration: CommandDeclaration<O>,
): CommandDeclaration<O & typeof HELP_OPTION> {
  return { ...declaration, options: { ...declaration.options, ...HELP_OPTION } };
}

const WIDTH = 110;

function optionLabel(name: string, option: OptionDeclaration): string {
  return `  ${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` ${option.value}` : ''}`;
}

/** Words of `text` in lines that fit `width`; `\n` forces a new line. */
function wrap(text: string, width: number): string[] {
  return text.split('\n').flatMap((paragraph) => {
    const indent = /^ */.exec(paragraph)?.[0] ?? '';
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.slice(indent.length).split(' ')) {
      if (line !== '' && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    return [...lines, indent + line];
  });
}

/** The options block: one entry per visible option, `--help` last, descriptions in one column. */
export function optionsHelp(options: OptionTable): string {
  const visible = Object.entries(options).filter(([name, option]) => !option.hidden && name !== 'help');
  const entries = [...visible, ['help', HELP_OPTION.help] as const];
  const column = Math.max(...entries.map(([name, option]) => optionLabel(name, option).length)) + 2;
  return entries
    .map(([name, option]) => {
      const [first, ...rest] = wrap(option.help, Math.max(30, WIDTH - column));
      return [
        `${optionLabel(name, option).padEnd(column)}${first}`,
        ...rest.map((line) => `${' '.repeat(column)}${line}`),
      ].join('\n');
    })
    .join('\n');
}

/** `tfmfa NAME --help`. */
export function helpText(declaration: CommandDeclaration): string {
  return [
    `Usage: tfmfa ${declaration.name}${declaration.usage ? ` ${declaration.usage}` : ''}`,
    ...(declaration.about ? [declaration.about] : []),
    `Options:\n${optionsHelp(declaration.options)}`,
    ...(declaration.footer ? [declaration.footer] : []),
  ].join('\n\n');
}
