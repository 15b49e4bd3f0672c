import { type Settings } from '../environment/settings.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { KeyBackend, LongTermKeys } from './types.ts';

/** The service name of every tfmfa item in the OS keyring; the account is the profile name. */
export const KEYRING_SERVICE = 'tfmfa';
const PROBE_ACCOUNT = '.tfmfa-probe';
const TIMEOUT_MS = 15_000;

type Binding = typeof import('@napi-rs/keyring');

/** The native binding, loaded only when a keyring is actually used (never on the hot path). */
async function binding(): Promise<Binding> {
  try {
    return await import('@napi-rs/keyring');
  } catch (error) {
    throw new UserError(
      `the OS keyring binding (@napi-rs/keyring) cannot load on this system ` +
        `(${(error as Error).message.split('\n')[0]}): use the encrypted file (TFMFA_BACKEND=file)`,
    );
  }
}

/** On Linux only the Secret Service (it survives a reboot); never the kernel keyring (keyutils), which does not. */
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

async function entry(profile: string): Promise<InstanceType<Binding['AsyncEntry']>> {
  const { AsyncEntry } = await binding();
  return new AsyncEntry(KEYRING_SERVICE, profile, ENTRY_OPTIONS);
}

function keyringError(what: string, profile: string, error: unknown): UserError {
  const reason =
    (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError'
      ? `no answer within ${TIMEOUT_MS / 1000}s (a locked keyring waiting for its password?)`
      : (error as Error).message.split('\n')[0];
  return new UserError(
    `OS keyring: cannot ${what} the keys of profile '${profile}': ${reason}: unlock the keyring, or use the ` +
      `encrypted file (TFMFA_BACKEND=file)`,
  );
}

export class KeyringBackend implements KeyBackend {
  readonly name = 'keyring' as const;

  async get(profile: string): Promise<LongTermKeys | null> {
    let text: string | null;
    try {
      text = await (await entry(profile)).getPassword(AbortSignal.timeout(TIMEOUT_MS));
    } catch (error) {
      throw keyringError('read', profile, error);
    }
    if (text === null || text === undefined) return null;
    try {
      const parsed = JSON.parse(text) as Partial<LongTermKeys>;
      if (typeof parsed.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string')
        return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
    } catch {
      // fall through
    }
    throw new UserError(
      `OS keyring: the item of profile '${profile}' (service ${KEYRING_SERVICE}) is not tfmfa's: remove it ` +
        `('tfmfa remove ${profile}') and add the keys again`,
    );
  }

  async set(profile: string, keys: LongTermKeys): Promise<void> {
    try {
      await (
        await entry(profile)
      ).setPassword(
        JSON.stringify({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }),
        AbortSignal.timeout(TIMEOUT_MS),
      );
    } catch (error) {
      throw keyringError('store', profile, error);
    }
  }

  async delete(profile: string): Promise<boolean> {
    try {
      return await (await entry(profile)).deleteCredential(AbortSignal.timeout(TIMEOUT_MS));
    } catch (error) {
      throw keyringError('delete', profile, error);
    }
  }
}

export interface KeyringStatus {
  usable: boolean;
  reason: string;
}

/**
 * Whether an OS keyring can be used right now, without prompting: on Linux a D-Bus session bus must exist
 * (otherwise libdbus might autolaunch a bus that dies with this process), and writing then deleting a probe
 * item must succeed, which a locked keyring refuses (or never answers).
 */
export async function keyringStatus(settings: Settings): Promise<KeyringStatus> {
  if (process.platform === 'linux') {
    const runtimeBus = settings.xdgRuntimeDir ? join(settings.xdgRuntimeDir, 'bus') : undefined;
    if (!settings.dbusSessionBusAddress && !(runtimeBus && existsSync(runtimeBus))) {
      return {
        usable: false,
        reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service',
      };
    }
  }
  try {
    const probe = await entry(PROBE_ACCOUNT);
    await probe.setPassword('probe', AbortSignal.timeout(5000));
    await probe.deleteCredential(AbortSignal.timeout(5000));
    const where =
      process.platform === 'linux'
        ? 'Secret Service'
        : process.platform === 'darwin'
          ? 'macOS Keychain'
          : 'Windows Credential Manager';
    return { usable: true, reason: `the ${where} answers and is unlocked` };
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? 'no answer within 5s (locked?)'
        : (error as Error).message.split('\n')[0];
    return { usable: false, reason: `the OS keyring cannot store an item: ${reason}` };
  }
}
