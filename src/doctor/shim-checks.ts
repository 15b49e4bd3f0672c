import type { Settings } from '../environment/settings.ts';
import { MAX_SHIM_DEPTH, parseStack, STACK_VARIABLE } from '../shim/loop-guard.ts';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { isTfmfaEntryPoint } from '../entry-point.ts';
import { SHIM_TOOLS } from '../shim/tools.ts';
import { executableFile, fileHead, findRealBinary, LAUNCHER_MARKER } from '../shim/real-binary.ts';
import { fail, info, ok, warning, type Check } from './check.ts';
import { realOrResolved } from '../shim/install.ts';
import { shimDirs } from '../shim/shim-dirs.ts';
import { shWord } from '../output/quoting.ts';

export interface PathCandidate {
  /** As found on PATH: `<dir>/<tool>`. */
  path: string;
  dir: string;
  /** Its real path; null when it is a symlink loop or dangling. */
  real: string | null;
  loop: boolean;
  shim: boolean;
  /** A shim of another tfmfa installation than this one. */
  foreignShim: boolean;
}

function realpathOrNull(path: string): { real: string | null; loop: boolean } {
  try {
    return { real: realpathSync(path), loop: false };
  } catch (error) {
    return { real: null, loop: (error as NodeJS.ErrnoException).code === 'ELOOP' };
  }
}

/** Every file named `tool` on PATH, in PATH order (duplicates once), with what it is. */
export function pathCandidates(
  tool: string,
  settings: Settings,
  entryPoint: string,
  cwd = process.cwd(),
): PathCandidate[] {
  const self = realpathOrNull(entryPoint).real ?? entryPoint;
  const seen = new Set<string>();
  const found: PathCandidate[] = [];
  for (const entry of (settings.path ?? '').split(delimiter)) {
    const dir = entry === '' ? cwd : resolve(cwd, entry);
    const path = join(dir, tool);
    if (seen.has(path)) continue;
    seen.add(path);
    try {
      lstatSync(path);
    } catch {
      continue;
    }
    const { real, loop } = realpathOrNull(path);
    if (!loop && (real === null || !executableFile(path))) continue;
    const launcher =
      real !== null &&
      fileHead(real, 256)
        .split('\n')
        .some((line) => line.trim() === LAUNCHER_MARKER);
    const ours = real === self || launcher;
    const foreign = !ours && real !== null && isTfmfaEntryPoint(real);
    found.push({ path, dir, real, loop, shim: ours || foreign, foreignShim: foreign });
  }
  return found;
}

/**
 * A wrapper script (tfenv-style) that calls the tool by bare name runs the shim again: tfmfa stops that loop
 * at run time, doctor points at it beforehand. Only a command-position call counts, not a mention.
 */
function callsToolByName(path: string, tool: string): boolean {
  try {
    if (statSync(path).size > 256 * 1024) return false;
  } catch {
    return false;
  }
  const text = fileHead(path, 256 * 1024);
  if (!text.startsWith('#!')) return false;
  const escaped = tool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const call = new RegExp(`^\\s*(?:exec\\s+|command\\s+)?${escaped}(?:\\s|$)`);
  return text
    .split('\n')
    .slice(1)
    .some((line) => call.test(line));
}

function exportPath(dir: string): string {
  return `put ${dir} first in PATH, e.g. export PATH="${dir}:$PATH" in your shell profile`;
}

/** The shim checks of `tfmfa doctor` for one tool, or nothing when no shim for it is on PATH. */
export function shimChecks(tool: string, settings: Settings, entryPoint: string, cwd = process.cwd()): Check[] {
  const candidates = pathCandidates(tool, settings, entryPoint, cwd);
  const checks: Check[] = [];
  for (const loop of candidates.filter((c) => c.loop)) {
    checks.push(fail(`${tool}: ${loop.path} is a symlink loop`, `remove or repoint it (ls -l ${loop.path})`));
  }
  const shims = candidates.filter((c) => c.shim);
  const firstShim = shims[0];
  if (!firstShim) return checks;
  const first = candidates.find((c) => !c.loop) as PathCandidate;
  if (first !== firstShim) {
    checks.push(
      fail(
        `${tool}: ${first.path} comes before the tfmfa shim ${firstShim.path} on PATH, so the shim never runs`,
        exportPath(firstShim.dir),
      ),
    );
  } else {
    const other = firstShim.foreignShim ? ` (a shim of another tfmfa installation: ${firstShim.real})` : '';
    checks.push(ok(`${tool}: shim ${firstShim.path} is first on PATH${other}`));
  }
  let real: string;
  try {
    real = findRealBinary(tool, settings, entryPoint, cwd);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    checks.push(missingRealTool(tool, firstShim, settings, entryPoint, cwd));
    return checks;
  }
  const realIndex = candidates.findIndex((c) => c.path === real);
  const shimIndex = candidates.indexOf(firstShim);
  if (realIndex >= 0 && realIndex < shimIndex) {
    // Already reported above: the real binary shadows the shim.
  } else {
    checks.push(ok(`${tool}: the shim runs the real ${tool} at ${real}`));
  }
  for (const extra of shims.filter((c) => c.foreignShim && c !== firstShim)) {
    checks.push(info(`${tool}: another tfmfa installation's shim ${extra.path} is on PATH too (skipped by the shim)`));
  }
  if (callsToolByName(real, tool)) {
    checks.push(
      warning(
        `${tool}: ${real} is a script that runs '${tool}' by name: that goes back through the shim (a loop ` +
          `tfmfa stops with an error)`,
        `make the script run the real ${tool} by its full path`,
      ),
    );
  }
  return checks;
}

/** The command that removes this shim: `--dir` when `shim uninstall` would not look in its directory by itself. */
function uninstallCommand(
  tool: string,
  shim: PathCandidate,
  settings: Settings,
  entryPoint: string,
  cwd: string,
): string {
  const found = shimDirs(settings, entryPoint, { cwd }).some(
    (dir) => realOrResolved(dir, cwd) === realOrResolved(shim.dir, cwd),
  );
  return `tfmfa shim uninstall ${found ? '' : `--dir ${shWord(shim.dir)} `}${tool}`;
}

/** Files named `tool` on PATH that are there but cannot run (a dangling symlink, no execute permission). */
function brokenInstalls(tool: string, settings: Settings, cwd: string): Array<{ path: string; why: string }> {
  const broken: Array<{ path: string; why: string }> = [];
  for (const entry of (settings.path ?? '').split(delimiter)) {
    const path = join(entry === '' ? cwd : resolve(cwd, entry), tool);
    if (broken.some((b) => b.path === path) || executableFile(path)) continue;
    try {
      if (!lstatSync(path).isSymbolicLink() && !statSync(path).isFile()) continue;
    } catch {
      continue;
    }
    const { real, loop } = realpathOrNull(path);
    if (loop) continue; // reported as a loop
    broken.push({ path, why: real === null ? 'a dangling symlink' : 'not executable' });
  }
  return broken;
}

/**
 * No real tool for a shim to run. A tool that is simply not installed (`shim install` writes every shim,
 * terragrunt and tofu included) is a note: the shim is idle until it is. A tool that is there but cannot run
 * (a dangling symlink left by a version manager, a file without execute permission) is worth a look.
 */
function missingRealTool(
  tool: string,
  shim: PathCandidate,
  settings: Settings,
  entryPoint: string,
  cwd: string,
): Check {
  const uninstall = uninstallCommand(tool, shim, settings, entryPoint, cwd);
  const [broken] = brokenInstalls(tool, settings, cwd);
  if (broken) {
    return warning(
      `${tool}: ${broken.path} is ${broken.why}, so the shim ${shim.path} has no real ${tool} to run`,
      `reinstall ${tool} (ls -l ${shWord(broken.path)}), or remove the shim: ${uninstall}`,
    );
  }
  return info(
    `${tool}: not installed, so its shim ${shim.path} has nothing to run yet (it will once ${tool} is ` +
      `installed; if you do not use ${tool}: ${uninstall})`,
  );
}

/** Shim checks for every tool; an info line when none is on PATH. */
export function allShimChecks(settings: Settings, entryPoint: string, cwd = process.cwd()): Check[] {
  const checks: Check[] = [];
  const without: string[] = [];
  for (const tool of SHIM_TOOLS) {
    const forTool = shimChecks(tool, settings, entryPoint, cwd);
    if (forTool.length === 0) without.push(tool);
    checks.push(...forTool);
  }
  const stack = settings.shimStack;
  if (stack) {
    const depth = parseStack(stack).length;
    checks.push(
      info(
        `running under a tfmfa shim: ${depth} of at most ${MAX_SHIM_DEPTH} nested shim starts ` +
          `(${STACK_VARIABLE}=${stack})`,
      ),
    );
  }
  if (without.length === SHIM_TOOLS.length) {
    checks.push(
      info(
        `no tfmfa shims on PATH for ${SHIM_TOOLS.join(', ')} (optional: 'tfmfa shim --help'; 'tfmfa exec' ` +
          `works without them)`,
      ),
    );
  } else if (without.length) {
    checks.push(info(`no shim on PATH for ${without.join(', ')}`));
  }
  return checks;
}
