import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';

import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The second line of every shell launcher tfmfa generates. */
export const LAUNCHER_MARKER = '# tfmfa-launcher';

/** The first `bytes` bytes of a file as latin1 text ('' when it cannot be read). */
export function fileHead(path: string, bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A tfmfa shell launcher: its first bytes hold the marker line. */
export function isLauncher(path: string): boolean {
  return fileHead(path, 96).includes(LAUNCHER_MARKER);
}

export function executableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable named `tool` on PATH that is not tfmfa: not the entry point (by real path, so symlink
 * chains, duplicate and relative PATH entries all count) and not a tfmfa shell launcher.
 */
export function findRealBinary(tool: string, settings: Settings, entryPoint: string, cwd = process.cwd()): string {
  let self: string;
  try {
    self = realpathSync(entryPoint);
  } catch {
    self = entryPoint;
  }
  const seen = new Set<string>();
  const entries = (settings.path ?? '').split(delimiter);
  for (const entry of entries) {
    const candidate = join(entry === '' ? cwd : resolve(cwd, entry), tool);
    if (seen.has(candidate) || !executableFile(candidate)) continue;
    seen.add(candidate);
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      continue; // a symlink loop or a vanished file
    }
    if (real === self || isLauncher(real)) continue;
    return candidate;
  }
  throw new UserError(
    `no real ${tool} found on PATH after the tfmfa shim ` +
      `(${entries.filter(Boolean).join(delimiter) || 'PATH is empty'}): install ${tool} or fix PATH`,
    127,
  );
}
