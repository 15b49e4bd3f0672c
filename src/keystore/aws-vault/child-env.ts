import { applyChanges } from '../../environment/changes.ts';
import { AWS_VAULT_FILE_PASSPHRASE, awsVaultFilePassphrase } from './variables.ts';

/**
 * The environment of a program the import starts, from the one builder (applyChanges): tfmfa's own passphrase
 * never; aws-vault's (AWS_VAULT_FILE_PASSPHRASE, withdrawn from tfmfa's process.env at the start) only
 * `aws-vault` itself, whose file backend reads it (the one exception).
 */
export function childEnvironment(env: NodeJS.ProcessEnv, forAwsVault: boolean): NodeJS.ProcessEnv {
  if (!forAwsVault) return applyChanges(env);
  const passphrase = awsVaultFilePassphrase(env);
  const set: Record<string, string> = passphrase === undefined ? {} : { [AWS_VAULT_FILE_PASSPHRASE]: passphrase };
  const handed = { set, unset: [] };
  return applyChanges(env, handed, { keep: [AWS_VAULT_FILE_PASSPHRASE] });
}
