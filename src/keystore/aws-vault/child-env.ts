import { applyChanges } from '../../environment/changes.ts';
import type { Settings } from '../../environment/settings.ts';
import { AWS_VAULT_FILE_PASSPHRASE } from './variables.ts';

/**
 * The environment of a program the import starts, from the one builder (applyChanges): tfmfa's own passphrase
 * never; aws-vault's (AWS_VAULT_FILE_PASSPHRASE, withdrawn from tfmfa's process.env at the start) only
 * `aws-vault` itself, whose file backend reads it (the one exception).
 */
export function childEnvironment(settings: Settings, forAwsVault: boolean): NodeJS.ProcessEnv {
  if (!forAwsVault) return applyChanges(settings.environment);
  const passphrase = settings.awsVaultFilePassphrase;
  const set: Record<string, string> = passphrase === undefined ? {} : { [AWS_VAULT_FILE_PASSPHRASE]: passphrase };
  const handed = { set, unset: [] };
  return applyChanges(settings.environment, handed, { keep: [AWS_VAULT_FILE_PASSPHRASE] });
}
