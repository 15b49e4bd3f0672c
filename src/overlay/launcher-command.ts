import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The shell launcher in front of the overlay's credential_process command: the package's
 * `shims/tfmfa-launcher` beside dist/ (or src/) of tfmfa's entry point. The line becomes
 * `<launcher> <node> <entry> credential-process … -- PROFILE`: the launcher serves it from the profile's ticket
 * without Node (src/shim/launcher/launcher.sh) and otherwise runs the rest of the line, the Node command the
 * overlay wrote before, untouched. Not on Windows (no POSIX sh there), nor when the file is missing.
 */
export function packageLauncher(entryPoint: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const path = join(dirname(dirname(entryPoint)), 'shims', 'tfmfa-launcher');
  return existsSync(path) ? path : undefined;
}
