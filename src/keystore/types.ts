import { UserError } from '../errors.ts';
import type { BackendName } from './settings.ts';

/** A backend as people call it. */
export function backendLabel(name: BackendName): string {
  return name === 'keyring' ? 'OS keyring' : 'encrypted file';
}

/** A long-term IAM access key pair. */
export interface LongTermKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Where a profile's keys are kept: an OS keyring item or an entry of the encrypted vault. */
export interface KeyBackend {
  readonly name: BackendName;
  get(profile: string): Promise<LongTermKeys | null>;
  set(profile: string, keys: LongTermKeys): Promise<void>;
  /** True when there was something to delete. */
  delete(profile: string): Promise<boolean>;
}

export function checkKeys(keys: LongTermKeys, what: string): LongTermKeys {
  const accessKeyId = keys.accessKeyId.trim();
  const secretAccessKey = keys.secretAccessKey.trim();
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) {
    throw new KeyFormatError(`${what}: the access key id must be 16 to 128 capital letters and digits (like AKIA…)`);
  }
  if (secretAccessKey.length < 16 || /\s/.test(secretAccessKey)) {
    throw new KeyFormatError(`${what}: the secret access key must be at least 16 characters without spaces`);
  }
  return { accessKeyId, secretAccessKey };
}

export class KeyFormatError extends UserError {
  constructor(message: string) {
    super(message, 2);
  }
}
