import { createHash } from 'node:crypto';
import { renderLauncher } from '../shim/launcher/render.ts';

/**
 * The overlay's credential_process command: a copy of the shell launcher in the overlay's own (private)
 * directory, named tfmfa-launcher so that it serves `credential-process … -- PROFILE` from the profile's ticket
 * without Node (src/shim/launcher/launcher.sh), and otherwise hands the untouched arguments to the Node binary
 * and entry point baked into it: exactly the command the overlay wrote before. Not on Windows (no POSIX sh
 * there): the line then runs Node directly. `version` goes into the overlay's stamp, so an upgrade rewrites it.
 */
export function overlayLauncher(context: { node: string; entryPoint: string }, path: string): { text: string; version: string } | null {
  if (process.platform === 'win32' || !path.startsWith('/')) return null;
  try {
    const text = renderLauncher({ entry: context.entryPoint, node: context.node });
    return { text, version: createHash('sha256').update(text).digest('hex').slice(0, 16) };
  } catch {
    return null; // an entry or Node path a launcher cannot name: the line runs Node directly
  }
}
