import type { Settings } from '../../environment/settings.ts';
import { existsSync, readdirSync } from 'node:fs';
import { UserError } from '../../errors.ts';
import { findProgram } from '../../mfa/program.ts';
import { ExportStore } from './export-store.ts';
import { FileStore } from './file-store.ts';
import { KeychainStore } from './keychain-store.ts';
import { SecretServiceStore } from './secret-service-store.ts';
import type { AwsVaultStore } from './store.ts';
import { awsVaultBackendName, awsVaultFileDir, awsVaultKeychainName } from './variables.ts';

/** The backends tfmfa reads itself; any other AWS_VAULT_BACKEND goes through `aws-vault export`. */
export const DIRECT_BACKENDS = ['file', 'secret-service', 'keychain'] as const;

function hasFiles(dir: string): boolean {
  try {
    return existsSync(dir) && readdirSync(dir).some((name) => !name.startsWith('.'));
  } catch {
    return false;
  }
}

function exportStore(settings: Settings, backend: string | undefined, why: string): AwsVaultStore {
  const program = findProgram('aws-vault', settings);
  if (!program)
    throw new UserError(
      `import --from aws-vault: ${why}, which tfmfa reads through 'aws-vault export', but aws-vault is not on ` +
        `PATH: install it (or put it on PATH) and run the import again`,
      2,
    );
  return new ExportStore(program, backend, settings);
}

function keychainStore(settings: Settings): AwsVaultStore {
  const program = findProgram('security', settings);
  if (!program)
    throw new UserError(
      "import --from aws-vault: the keychain backend is read with macOS's 'security' program, which is not on PATH",
      2,
    );
  return new KeychainStore(program, awsVaultKeychainName(settings), settings);
}

/**
 * The aws-vault store to import from: the backend AWS_VAULT_BACKEND names, else the one aws-vault would use here
 * (the keychain on macOS; on Linux the Secret Service when its 'awsvault' collection exists, else the encrypted
 * files when there are any; elsewhere, or when neither exists, the installed aws-vault).
 */
export async function openAwsVaultStore(settings: Settings, passphrase: () => Promise<string>): Promise<AwsVaultStore> {
  const backend = awsVaultBackendName(settings);
  const fileDir = awsVaultFileDir(settings);
  if (backend === 'file') return new FileStore(fileDir, passphrase);
  if (backend === 'keychain') return keychainStore(settings);
  if (backend === 'secret-service') {
    const store = await SecretServiceStore.open(settings);
    if (!store)
      throw new UserError(
        'import --from aws-vault: AWS_VAULT_BACKEND is secret-service, but the D-Bus session bus has no Secret ' +
          "Service collection 'awsvault' (run this in your desktop session, or unset AWS_VAULT_BACKEND)",
        2,
      );
    return store;
  }
  if (backend) return exportStore(settings, backend, `AWS_VAULT_BACKEND is '${backend}'`);
  if (process.platform === 'darwin') return keychainStore(settings);
  if (process.platform === 'linux') {
    const store = await SecretServiceStore.open(settings);
    if (store) return store;
    if (hasFiles(fileDir)) return new FileStore(fileDir, passphrase);
  }
  if (findProgram('aws-vault', settings))
    return exportStore(settings, undefined, 'no aws-vault store tfmfa reads itself was found');
  throw new UserError(
    `import --from aws-vault: found no aws-vault store: no Secret Service collection 'awsvault', no files ` +
      `in ${fileDir}, no aws-vault on PATH: set AWS_VAULT_BACKEND (and AWS_VAULT_FILE_DIR) as aws-vault has them`,
    2,
  );
}
