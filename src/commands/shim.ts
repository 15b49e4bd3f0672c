import type { Settings } from '../environment/settings.ts';
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { entryPoint } from '../entry-point.ts';
import {
  DEFAULT_SHIM_NAMES,
  defaultShimDir,
  installShims,
  listShims,
  pathAdvice,
  uninstallShims,
  type ListedShim,
} from '../shim/install.ts';
import { forgetShimDir, holdsShims, rememberShimDir, shimDirs } from '../shim/shim-dirs.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand, type OptionTable } from './command.ts';

const DIR_OPTION = {
  dir: { type: 'string', value: 'DIR', help: 'where the shims are' },
} as const satisfies OptionTable;

const installCommand = defineCommand({
  name: 'shim install',
  summary: 'write shims',
  usage: '[--dir DIR] [--force] [NAME...]',
  about: `Writes a tfmfa shim for each NAME (default: ${DEFAULT_SHIM_NAMES.join(' ')}) into DIR (default:
~/.local/bin when it is on PATH, else ~/bin). A shim is a small shell launcher: with a valid ticket for
the profile it runs the real tool (found later on PATH) with the session's credentials at once, otherwise
it hands over to tfmfa. Existing tfmfa shims are replaced; anything else is left alone unless --force.
Prints what to add to your shell profile when DIR is not on PATH ahead of the real binaries.`,
  options: {
    dir: { type: 'string', value: 'DIR', help: 'where to put the shims' },
    force: { type: 'boolean', help: 'replace files that are not tfmfa shims' },
  },
  positionals: { kind: 'none' },
});

const listCommand = defineCommand({
  name: 'shim list',
  summary: 'show the installed shims and the real binary each reaches',
  usage: '[--dir DIR]',
  about: `Lists the tfmfa shims in DIR and, for each, the real binary it reaches now on PATH (or why none).
Without --dir: every directory 'tfmfa shim install' wrote to, the default one (~/.local/bin when it is
on PATH, else ~/bin) and any directory on PATH that holds tfmfa shims.`,
  options: DIR_OPTION,
  positionals: { kind: 'none' },
});

const uninstallCommand = defineCommand({
  name: 'shim uninstall',
  summary: "remove tfmfa's shims",
  usage: '[--dir DIR] [NAME...]',
  about: `Removes tfmfa's shims from DIR: the NAMEs given, or every tfmfa shim there. Without --dir: from every
directory 'tfmfa shim install' wrote to and the default one (~/.local/bin when it is on PATH, else ~/bin).
Never removes a file that is not a tfmfa shim.`,
  options: DIR_OPTION,
  positionals: { kind: 'none' },
});

export const command = defineCommand({
  name: 'shim',
  summary: 'install, list or remove the terraform/terragrunt/aws/tofu shims',
  usage: 'install|list|uninstall [options] [NAME...]',
  about: `Shims make a plain 'terraform plan' (or terragrunt, aws, tofu...) use the AWS_PROFILE session: one MFA
prompt per session, the real tool found later on PATH. The shim directory must come before the real
binaries on PATH.

Subcommands:
  install     write shims (default: ${DEFAULT_SHIM_NAMES.join(' ')}) into ~/.local/bin or ~/bin
  list        show the installed shims and the real binary each reaches
  uninstall   remove tfmfa's shims

'tfmfa shim SUBCOMMAND --help' for details. Without installing anything, the package's shims/ folder
works too: export PATH="$(npm root -g)/tfmfa/shims:$PATH".`,
  options: {},
  positionals: { kind: 'words', words: ['install', 'list', 'uninstall'] },
  subcommands: [installCommand, listCommand, uninstallCommand],
});

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export async function run(argv: string[], settings: Settings): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined)
    throw new UserError("shim: which subcommand? install, list or uninstall: run 'tfmfa shim --help'", 2);
  if (sub === '-h' || sub === '--help' || sub === 'help') return printHelp(command);
  if (sub === 'install') return install(rest, settings);
  if (sub === 'list') return list(rest, settings);
  if (sub === 'uninstall') return uninstall(rest, settings);
  throw new UserError(`shim: unknown subcommand '${sub}': use install, list or uninstall (run 'tfmfa shim --help')`, 2);
}

function install(argv: string[], settings: Settings): number {
  const { values, positionals } = parseCommand(installCommand, argv);
  if (values.help) return printHelp(installCommand);
  const names = positionals.length > 0 ? [...new Set(positionals)] : DEFAULT_SHIM_NAMES;
  const result = installShims({
    dir: values.dir ?? defaultShimDir(settings),
    names,
    force: values.force ?? false,
    entry: entryPoint(),
    settings,
  });
  rememberShimDir(result.dir, settings);
  print(
    `tfmfa: installed ${result.installed.join(', ')} ` +
      `in ${result.dir}${result.replaced.length ? ` (replaced ${result.replaced.join(', ')})` : ''}`,
  );
  for (const line of result.advice) print(line);
  return 0;
}

function list(argv: string[], settings: Settings): number {
  const { values, positionals } = parseCommand(listCommand, argv);
  if (values.help) return printHelp(listCommand);
  if (positionals.length > 0)
    throw new UserError(`shim list: unexpected argument '${positionals[0]}': run 'tfmfa shim list --help'`, 2);
  const entry = entryPoint();
  const dirs = values.dir ? [values.dir] : shimDirs(settings, entry, { onPath: true });
  const found = dirs
    .map((dir) => ({ dir, shims: listShims(dir, entry, settings) }))
    .filter(({ shims }) => shims.length > 0);
  if (found.length === 0) {
    const dir = values.dir ?? defaultShimDir(settings);
    print(`no tfmfa shims in ${dir}: run 'tfmfa shim install${values.dir ? ` --dir ${dir}` : ''}'`);
    return 0;
  }
  for (const { dir, shims } of found) {
    const width = Math.max(...shims.map((s) => s.name.length));
    print(`${resolve(dir)}:`);
    for (const shim of shims) {
      const reaches = shim.real ? `→ ${shim.real}` : `→ none: ${shim.problem}`;
      const notes = [
        shim.kind === 'symlink' ? 'symlink to tfmfa' : '',
        shim.staleEntry ? `its tfmfa ${shim.staleEntry} is gone: run 'tfmfa shim install --force'` : '',
      ].filter(Boolean);
      print(`  ${shim.name.padEnd(width)}  ${reaches}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    }
    for (const line of pathAdvice(
      dir,
      shims.map((s) => s.name),
      entry,
      settings,
    ))
      print(line);
  }
  const missing = [
    ...new Set(found.flatMap(({ shims }) => shims.filter((s: ListedShim) => s.missingReal).map((s) => s.name))),
  ];
  if (missing.length)
    print(
      `no real ${missing.join(', ')} on PATH after the shims: ` +
        `install ${missing.length === 1 ? 'it' : 'them'} or fix PATH (PATH=${settings.path ?? ''})`,
    );
  return 0;
}

function uninstall(argv: string[], settings: Settings): number {
  const { values, positionals } = parseCommand(uninstallCommand, argv);
  if (values.help) return printHelp(uninstallCommand);
  const entry = entryPoint();
  if (values.dir === undefined) {
    // Every directory install wrote to, or the default one: each where the shims (or the NAMEs) are.
    const dirs = shimDirs(settings, entry);
    const holding = dirs.filter((dir) => holdsShims(dir, entry, positionals.length ? positionals : undefined));
    if (holding.length > 0) {
      const results = holding.map((dir) =>
        uninstallShims({ dir, names: positionals.filter((name) => holdsShims(dir, entry, [name])), entry }),
      );
      for (const result of results) {
        print(`tfmfa: removed ${result.removed.join(', ')} from ${result.dir}`);
        if (!holdsShims(result.dir, entry)) forgetShimDir(result.dir, settings);
      }
      const removed = new Set(results.flatMap((r) => r.removed));
      const absent = positionals.filter((name) => !removed.has(name));
      if (absent.length > 0) print(`tfmfa: not installed in ${dirs.join(', ')}: ${absent.join(', ')}`);
      return 0;
    }
  }
  const result = uninstallShims({ dir: values.dir ?? defaultShimDir(settings), names: positionals, entry });
  if (result.removed.length > 0) print(`tfmfa: removed ${result.removed.join(', ')} from ${result.dir}`);
  if (result.absent.length > 0) print(`tfmfa: not installed in ${result.dir}: ${result.absent.join(', ')}`);
  if (result.removed.length === 0 && result.absent.length === 0) print(`no tfmfa shims in ${result.dir}`);
  if (!holdsShims(result.dir, entry)) forgetShimDir(result.dir, settings);
  return 0;
}
