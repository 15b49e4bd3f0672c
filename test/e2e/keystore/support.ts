import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '../../support/sandbox.ts';

export const PASSPHRASE = 'correct horse battery staple';

/** A sandbox whose key store lives inside it (XDG_CONFIG_HOME), IAM at the emulator, TMPDIR inside too. */
export async function createKeystoreSandbox(
  options: { backend?: 'file' | 'keyring' | null } = {},
): Promise<Sandbox & { configHome: string; tmp: string }> {
  const box = await createSandbox();
  const configHome = join(box.dir, 'xdg-config');
  const tmp = join(box.dir, 'tmp');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  Object.assign(box.env, {
    XDG_CONFIG_HOME: configHome,
    AWS_ENDPOINT_URL_IAM: box.emu.url,
    TMPDIR: tmp,
    TFMFA_FILE_PASSPHRASE: PASSPHRASE,
  });
  const backend = options.backend === undefined ? 'file' : options.backend;
  if (backend) box.env.TFMFA_BACKEND = backend;
  return Object.assign(box, { configHome, tmp });
}

/** Every regular file under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (path: string): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stat.isFile() && readFileSync(path).includes(needle)) {
      hits.push(path);
    }
  };
  walk(dir);
  return hits;
}

/** Command lines of every process on the machine that contain `needle`. */
export function commandLinesContaining(needle: string): string[] {
  const hits: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) hits.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
    } catch {
      // gone
    }
  }
  return hits;
}
