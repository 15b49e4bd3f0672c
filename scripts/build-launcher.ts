/**
 * `npm run build` step after the bundle: writes the package's shell launchers into shims/ (tfmfa, the command
 * package.json's "bin" names, which serves credential-process and terragrunt-auth from a ticket; tfmfa-launcher; one
 * file per default tool), all the same content from src/shim/launcher/launcher.sh (rendered by render.ts), as real
 * files with mode
 * 0755 (npm pack drops symlinks). Package copies find the Node entry as ../dist/cli.js beside them.
 */
import { chmodSync, copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderLauncher } from '../src/shim/launcher/render.ts';
import { DEFAULT_SHIM_NAMES } from '../src/shim/install.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The template where the bundled renderer looks (dist/, see scripts/bundle.ts), for `tfmfa shim install` at run time.
copyFileSync(join(root, 'src', 'shim', 'launcher', 'launcher.sh'), join(root, 'dist', 'launcher.sh'));
const dir = join(root, 'shims');
const text = renderLauncher({});
mkdirSync(dir, { recursive: true });
for (const name of ['tfmfa', 'tfmfa-launcher', ...DEFAULT_SHIM_NAMES]) {
  const path = join(dir, name);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o755 });
  chmodSync(temp, 0o755);
  renameSync(temp, path);
}
process.stdout.write(`build-launcher: wrote ${DEFAULT_SHIM_NAMES.length + 2} launchers to shims/\n`);
