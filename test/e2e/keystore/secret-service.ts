import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Secret Service for tests: a private D-Bus session bus (dbus-daemon) with gnome-keyring-daemon on it,
 * its login keyring created and unlocked with a password given on stdin (as a PAM login would), all under a
 * throwaway HOME. `unlock: false` starts the daemon without a login keyring: a locked / unusable keyring.
 */
export interface SecretService {
  /** Variables that point a process at this bus (merge them into a child's environment). */
  env: Record<string, string>;
  /** `secret-tool ARGS` on this bus: an independent client (libsecret), not tfmfa's binding. */
  secretTool(args: string[], input?: string): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

/** Why there can be no Secret Service here, or null when there can. */
export function secretServiceUnavailable(): string | null {
  for (const program of ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool']) {
    if (spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0)
      return `${program} is not installed (Debian: dbus, gnome-keyring, libsecret-tools)`;
  }
  return null;
}

async function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address within 10s')), 10_000);
    child.stdout?.on('data', (data: Buffer) => {
      text += data.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(text.slice(0, newline).trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
  });
}

export async function startSecretService(options: { unlock?: boolean } = {}): Promise<SecretService> {
  const home = mkdtempSync(join(tmpdir(), 'tfmfa-keyring-'));
  const runtime = join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    env: base,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await firstLine(bus);
  const env = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
  const unlock = options.unlock ?? true;
  const keyring = spawn(
    'gnome-keyring-daemon',
    ['--foreground', '--components=secrets', ...(unlock ? ['--unlock'] : [])],
    { env, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  keyring.stdin?.end(unlock ? 'login-password' : '');
  const service: SecretService = {
    env,
    secretTool(args, input) {
      const result = spawnSync('secret-tool', args, { env, input: input ?? '', encoding: 'utf8', timeout: 15_000 });
      return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
    },
    async stop() {
      for (const child of [keyring, bus]) {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
  // Wait until the daemon owns org.freedesktop.secrets (a lookup answers, even with nothing found).
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const probe = spawnSync(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.secrets',
      ],
      { env, encoding: 'utf8' },
    );
    if (/boolean true/.test(probe.stdout ?? '')) return service;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.stop();
  throw new Error('gnome-keyring-daemon did not register org.freedesktop.secrets within 10s');
}
