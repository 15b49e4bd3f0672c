import type { Settings } from '../../environment/settings.ts';
import { join } from 'node:path';

export const AWS_VAULT_FILE_PASSPHRASE = 'AWS_VAULT_FILE_PASSPHRASE';

/**
 * aws-vault's environment variables: the ones `import --from aws-vault` reads, and every one doctor names with
 * its tfmfa counterpart. The one place that reads AWS_VAULT_* (tfmfa's own variables are in environment/).
 */
export interface AwsVaultVariable {
  name: string;
  /** What tfmfa uses instead, or why there is none. */
  counterpart: string;
}

export const AWS_VAULT_VARIABLES: readonly AwsVaultVariable[] = [
  {
    name: 'AWS_VAULT_BACKEND',
    counterpart: 'TFMFA_BACKEND (keyring or file); import --from aws-vault reads the aws-vault store it names',
  },
  {
    name: 'AWS_VAULT_FILE_DIR',
    counterpart:
      "tfmfa's encrypted file lives in $XDG_CONFIG_HOME/tfmfa (import --from aws-vault reads this directory)",
  },
  {
    name: 'AWS_VAULT_FILE_PASSPHRASE',
    counterpart: 'TFMFA_FILE_PASSPHRASE (import --from aws-vault reads this one to open the aws-vault files)',
  },
  {
    name: 'AWS_VAULT_PROMPT',
    counterpart: 'TFMFA_PROMPT (terminal, zenity, kdialog, osascript, powershell, ykman), or mfa_prompt in a profile',
  },
  {
    name: 'AWS_VAULT_KEYCHAIN_NAME',
    counterpart: 'none: tfmfa uses the login keychain (import --from aws-vault reads this keychain)',
  },
  { name: 'AWS_VAULT_PASS_PASSWORD_STORE_DIR', counterpart: 'none: pass is read through aws-vault export' },
  { name: 'AWS_VAULT_PASS_CMD', counterpart: 'none: pass is read through aws-vault export' },
  { name: 'AWS_VAULT_PASS_PREFIX', counterpart: 'none: pass is read through aws-vault export' },
  { name: 'AWS_VAULT_KWALLET_FOLDER', counterpart: 'none: KWallet is read through aws-vault export' },
  { name: 'AWS_VAULT_WINCRED_PREFIX', counterpart: 'none: the Windows store is read through aws-vault export' },
  { name: 'AWS_VAULT_BIOMETRICS', counterpart: 'none: the OS keyring asks as it is configured to' },
  { name: 'AWS_SESSION_TOKEN_TTL', counterpart: 'TFMFA_SESSION_TTL (or --session-ttl)' },
  {
    name: 'AWS_CHAINED_SESSION_TOKEN_TTL',
    counterpart: 'none: chained roles last 1 h (the AWS limit) or duration_seconds',
  },
  { name: 'AWS_ASSUME_ROLE_TTL', counterpart: 'duration_seconds in the profile' },
  { name: 'AWS_FEDERATION_TOKEN_TTL', counterpart: 'tfmfa login --duration' },
  { name: 'AWS_MIN_TTL', counterpart: 'TFMFA_MIN_TTL' },
  {
    name: 'AWS_VAULT',
    counterpart:
      'TFMFA_PROFILE (set by tfmfa for the commands it starts; a leftover AWS_VAULT means this shell runs ' +
      'inside aws-vault exec)',
  },
];

/** The aws-vault variables set (name and counterpart), in the table's order. */
export function awsVaultVariablesIn(settings: Settings): AwsVaultVariable[] {
  return AWS_VAULT_VARIABLES.filter((variable) => Boolean(settings.otherVariable(variable.name)));
}

export function awsVaultBackendName(settings: Settings): string | undefined {
  return settings.otherVariable('AWS_VAULT_BACKEND')?.trim() || undefined;
}

/** The file backend's directory: AWS_VAULT_FILE_DIR (a leading ~ is the home directory), else ~/.awsvault/keys. */
export function awsVaultFileDir(settings: Settings): string {
  const dir = settings.otherVariable('AWS_VAULT_FILE_DIR')?.trim();
  if (!dir) return join(settings.home, '.awsvault', 'keys');
  return dir.startsWith('~') ? join(settings.home, dir.slice(1)) : dir;
}

/** aws-vault's macOS keychain (AWS_VAULT_KEYCHAIN_NAME, default aws-vault). */
export function awsVaultKeychainName(settings: Settings): string {
  return settings.otherVariable('AWS_VAULT_KEYCHAIN_NAME')?.trim() || 'aws-vault';
}
