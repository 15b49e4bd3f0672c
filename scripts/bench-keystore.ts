/**
 * P5 (issue 14), called by scripts/bench.ts: what a cold session start spends in the key store.
 *   - in process: one read of a profile's keys from the encrypted file (scrypt N=2^17 dominates) and from the
 *     OS keyring (a real Secret Service: gnome-keyring on a private D-Bus bus; skipped where none can run);
 *   - end to end, for scale: `tfmfa export PROFILE` with an empty session cache (the store read, then one
 *     GetSessionToken against the emulator), keys in the file and in the keyring. Medians of `runs`.
 * A cached run never reads the store, so warm runs are unaffected (P1-P3).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileBackend } from '../src/keystore/file-backend.ts';
import { KeyringBackend } from '../src/keystore/keyring-backend.ts';
import { secretServiceUnavailable, startSecretService } from '../test/e2e/keystore/secret-service.ts';
import { CLI, type Sandbox } from '../test/support/sandbox.ts';
import { median } from './bench-credentials.ts';

export interface P5Result {
  fileReadMs: number;
  keyringReadMs: number | null;
  coldFileMs: number;
  coldKeyringMs: number | null;
  keyringSkipped: string | null;
}

async function timeRun(args: string[], env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`tfmfa ${args.join(' ')} exited ${code}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timeAsync(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function benchKeystore(box: Sandbox, runs = 5): Promise<P5Result> {
  const passphrase = 'bench passphrase';
  const configHome = join(box.dir, 'bench-xdg');
  const env = { ...box.env, XDG_CONFIG_HOME: configHome, TFMFA_FILE_PASSPHRASE: passphrase };
  const user = box.emu.addUser({ userName: 'bench', accountId: '222222222222' });
  const keysEnv = { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
  await timeRun(['add', 'bench-file', '--env', '--no-verify'], { ...env, ...keysEnv, TFMFA_BACKEND: 'file' });
  const cold = async (profile: string, extra: Record<string, string> = {}) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(join(box.cacheDir, 'sessions'), { recursive: true, force: true });
      times.push(await timeRun(['export', profile, '--format', 'json'], { ...env, ...extra }));
    }
    return median(times);
  };
  const fileReads: number[] = [];
  for (let i = 0; i < runs; i++)
    fileReads.push(
      await timeAsync(() => new FileBackend(join(configHome, 'tfmfa'), async () => passphrase).get('bench-file')),
    );
  const result: P5Result = {
    fileReadMs: median(fileReads),
    keyringReadMs: null,
    coldFileMs: await cold('bench-file'),
    coldKeyringMs: null,
    keyringSkipped: secretServiceUnavailable(),
  };
  if (result.keyringSkipped === null) {
    const service = await startSecretService();
    try {
      const withBus = { ...env, DBUS_SESSION_BUS_ADDRESS: service.env.DBUS_SESSION_BUS_ADDRESS as string };
      await timeRun(['add', 'bench-keyring', '--env', '--no-verify', '--backend', 'keyring'], {
        ...withBus,
        ...keysEnv,
      });
      const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
      process.env.DBUS_SESSION_BUS_ADDRESS = withBus.DBUS_SESSION_BUS_ADDRESS;
      const reads: number[] = [];
      for (let i = 0; i < runs; i++) reads.push(await timeAsync(() => new KeyringBackend().get('bench-keyring')));
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
      result.keyringReadMs = median(reads);
      result.coldKeyringMs = await cold('bench-keyring', withBus);
    } finally {
      await service.stop();
    }
  }
  return result;
}
