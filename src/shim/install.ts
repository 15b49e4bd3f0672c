import { type Settings } from '../environment/settings.ts';
import { shQuote, shWord } from '../output/quoting.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { renderLauncher } from './launcher/render.ts';
import { findRealBinary, isLauncher } from './real-binary.ts';
import { isTfmfaEntryPoint } from '../entry-point.ts';
import { isToolName, SHIM_TOOLS } from './tools.ts';

/** What `tfmfa shim install` installs when no NAME is given (and what `npm run build` puts in shims/). */
export const DEFAULT_SHIM_NAMES: readonly string[] = SHIM_TOOLS;

/** Names that must never become shims: they are tfmfa itself. */
const RESERVED = new Set(['tfmfa', 'tfmfa-launcher']);

/** A path made absolute against `cwd`, by real path where it exists. */
export function realOrResolved(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** PATH entries as directories (an empty entry is the current directory), by real path where they exist. */
export function pathDirectories(settings: Settings, cwd: string): string[] {
  return (settings.path ?? '').split(delimiter).map((entry) => realOrResolved(entry === '' ? '.' : entry, cwd));
}

/** Where shims go by default: ~/.local/bin if it is on PATH, else ~/bin. */
export function defaultShimDir(settings: Settings, cwd = process.cwd()): string {
  const local = join(settings.home, '.local', 'bin');
  return pathDirectories(settings, cwd).includes(realOrResolved(local, cwd)) ? local : join(settings.home, 'bin');
}

export type ShimKind = 'missing' | 'launcher' | 'symlink' | 'other';

/** A tfmfa launcher's baked entry (the `_tf_entry='…'` line), or '' for a package copy. */
export function bakedEntry(path: string): string | undefined {
  try {
    const match = /^_tf_entry='((?:[^']|'\\'')*)'$/m.exec(readFileSync(path, 'utf8'));
    return match ? (match[1] as string).replace(/'\\''/g, "'") : undefined;
  } catch {
    return undefined;
  }
}

/** A symlink's target is tfmfa's entry: this one, or another tfmfa package's dist/cli.js (an older install). */
function isEntryLink(path: string, entry: string): boolean {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    // dangling: a link into a tfmfa package that is gone
    try {
      return /(^|\/)tfmfa\/dist\/cli\.js$/.test(readlinkSync(path));
    } catch {
      return false;
    }
  }
  return target === entry || isTfmfaEntryPoint(target);
}

/** What is at `path`: nothing, a tfmfa launcher (or a link to one), a symlink to tfmfa's entry, or anything else. */
/**
 * Whether `name` in `dir` is one of tfmfa's shims: a launcher or a link to tfmfa, and not tfmfa's own command
 * (`tfmfa`, `tfmfa-launcher`: an npm bin directory or a link of the user's own may hold them beside the shims).
 */
export function isShimIn(dir: string, name: string, entry: string): boolean {
  if (RESERVED.has(name)) return false;
  const kind = shimKind(join(dir, name), entry);
  return kind === 'launcher' || kind === 'symlink';
}

export function shimKind(path: string, entry: string): ShimKind {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return 'missing';
  }
  if (stat.isSymbolicLink()) {
    if (isEntryLink(path, entry)) return 'symlink';
    return isLauncherFile(path) ? 'launcher' : 'other';
  }
  return stat.isFile() && isLauncher(path) ? 'launcher' : 'other';
}

function isLauncherFile(path: string): boolean {
  try {
    return statSync(path).isFile() && isLauncher(path);
  } catch {
    return false;
  }
}

function checkNames(names: readonly string[]): void {
  for (const name of names) {
    if (!isToolName(name))
      throw new UserError(
        `shim: '${name}' is not a tool name (a plain file name such as terraform or aws): name the tool, not a path`,
        2,
      );
    if (RESERVED.has(name))
      throw new UserError(
        `shim: '${name}' is tfmfa itself and cannot be a shim: name a tool such as terraform or aws`,
        2,
      );
  }
}

export interface InstallResult {
  dir: string;
  installed: string[];
  /** Names that were there already as tfmfa shims and were rewritten. */
  replaced: string[];
  advice: string[];
}

export function installShims(options: {
  dir: string;
  names: readonly string[];
  force: boolean;
  entry: string;
  settings: Settings;
  cwd?: string;
}): InstallResult {
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir);
  checkNames(options.names);
  const kinds = options.names.map((name) => [name, shimKind(join(dir, name), options.entry)] as const);
  for (const [name] of kinds) {
    const path = join(dir, name);
    if (existsSync(path) && lstatSync(path).isDirectory())
      throw new UserError(`shim install: ${path} is a directory: remove it or install into another --dir`);
  }
  const foreign = kinds.filter(([, kind]) => kind === 'other').map(([name]) => join(dir, name));
  if (foreign.length > 0 && !options.force) {
    throw new UserError(
      `shim install: ${foreign.join(', ')} ${foreign.length === 1 ? 'exists and is' : 'exist and are'} not a ` +
        `tfmfa shim: move ${foreign.length === 1 ? 'it' : 'them'} away, pick another --dir, or pass --force to ` +
        `replace ${foreign.length === 1 ? 'it' : 'them'}`,
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(`shim install: cannot create ${dir}: ${(error as Error).message}: pick another --dir`);
  }
  const text = renderLauncher({ entry: options.entry });
  for (const name of options.names) {
    try {
      writeFileAtomic(join(dir, name), text, 0o755); // never a half-written shim
    } catch (error) {
      throw new UserError(
        `shim install: cannot write ${join(dir, name)}: ${(error as Error).message}: pick another --dir`,
      );
    }
  }
  return {
    dir,
    installed: [...options.names],
    replaced: kinds.filter(([, kind]) => kind !== 'missing').map(([name]) => name),
    advice: pathAdvice(dir, options.names, options.entry, options.settings, cwd),
  };
}

/** The shell-profile line that puts `dir` first on PATH (quoted when it must be). */
export function exportLine(dir: string): string {
  return shWord(dir) === dir ? `  export PATH="${dir}:$PATH"` : `  export PATH=${shQuote(dir)}":$PATH"`;
}

/**
 * What the user must change so that the shims in `dir` are found before the real binaries: nothing (empty),
 * or lines for the shell profile.
 */
export function pathAdvice(
  dir: string,
  names: readonly string[],
  entry: string,
  settings: Settings,
  cwd = process.cwd(),
): string[] {
  const entries = pathDirectories(settings, cwd);
  const position = entries.indexOf(realOrResolved(dir, cwd));
  if (position < 0) {
    return [
      `${dir} is not on PATH: add this line to your shell profile (~/.bashrc, ~/.zshrc or ~/.profile), then ` +
        `start a new shell:`,
      exportLine(dir),
    ];
  }
  const shadowed: string[] = [];
  for (const name of names) {
    for (let i = 0; i < position; i++) {
      const candidate = join(entries[i] as string, name);
      if (isExecutableFile(candidate) && shimKind(candidate, entry) === 'other') {
        shadowed.push(`${name} (${candidate})`);
        break;
      }
    }
  }
  if (shadowed.length === 0) return [];
  return [
    `${dir} comes after the real ${shadowed.join(', ')} on PATH, so those shims are not used: put it first in ` +
      `your shell profile (~/.bashrc, ~/.zshrc or ~/.profile):`,
    exportLine(dir),
  ];
}

function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export interface ListedShim {
  name: string;
  path: string;
  kind: 'launcher' | 'symlink';
  /** The real binary the shim reaches now, or why none. */
  real?: string;
  problem?: string;
  /** No real binary on PATH (the problem says so without PATH: the caller prints PATH once). */
  missingReal?: boolean;
  /** A launcher whose baked entry is gone. */
  staleEntry?: string;
}

/** The tfmfa shims in `dir` and the real binary each reaches now (the Node shim's rules). */
export function listShims(dir: string, entry: string, settings: Settings, cwd = process.cwd()): ListedShim[] {
  const absolute = resolve(cwd, dir);
  let names: string[];
  try {
    names = readdirSync(absolute).sort();
  } catch {
    return [];
  }
  const shims: ListedShim[] = [];
  for (const name of names) {
    if (!isShimIn(absolute, name, entry)) continue;
    const path = join(absolute, name);
    const kind = shimKind(path, entry) as 'launcher' | 'symlink';
    const shim: ListedShim = { name, path, kind };
    if (kind === 'launcher') {
      const baked = bakedEntry(path);
      if (baked && !existsSync(baked)) shim.staleEntry = baked;
    }
    if (!isToolName(name)) {
      shim.problem = `'${name}' is not a tool name a shim can stand for`;
    } else {
      try {
        shim.real = findRealBinary(name, settings, entry, cwd);
      } catch (error) {
        if (!(error instanceof UserError) || error.exitCode !== 127) throw error;
        shim.problem = `no real ${name} on PATH after the shim`;
        shim.missingReal = true;
      }
    }
    shims.push(shim);
  }
  return shims;
}

/** Removes tfmfa's own shims from `dir`: the named ones (each must be one), or all of them. */
export function uninstallShims(options: { dir: string; names: readonly string[]; entry: string; cwd?: string }): {
  dir: string;
  removed: string[];
  absent: string[];
} {
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  let names = [...options.names];
  if (names.length === 0) {
    try {
      names = readdirSync(dir)
        .sort()
        .filter((name) => isShimIn(dir, name, options.entry));
    } catch {
      names = [];
    }
  } else {
    checkNames(names);
  }
  const kinds = names.map((name) => [name, shimKind(join(dir, name), options.entry)] as const);
  const foreign = kinds.filter(([, kind]) => kind === 'other').map(([name]) => join(dir, name));
  if (foreign.length > 0) {
    throw new UserError(
      `shim uninstall: ${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not a tfmfa shim: left ` +
        `alone (nothing removed); remove ${foreign.length === 1 ? 'it' : 'them'} yourself if you mean to`,
    );
  }
  const removed: string[] = [];
  const absent: string[] = [];
  for (const [name, kind] of kinds) {
    if (kind === 'missing') {
      absent.push(name);
      continue;
    }
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch (error) {
      throw new UserError(`shim uninstall: cannot remove ${join(dir, name)}: ${(error as Error).message}`);
    }
  }
  return { dir, removed, absent };
}
