import type { Settings } from '../environment/settings.ts';
import { existsSync, readdirSync } from 'node:fs';
import type { AwsFiles } from '../config/files.ts';
import { awsVaultAt, commandWords } from '../config/kinds/credential-process.ts';
import { entryPoint } from '../entry-point.ts';
import { awsVaultFileDir, awsVaultVariablesIn } from '../keystore/aws-vault/variables.ts';
import { findProgram } from '../mfa/program.ts';
import { shWord } from '../output/quoting.ts';
import { compareNames } from '../views/profiles.ts';
import { info, ok, warning, type Check } from './check.ts';

/**
 * doctor's aws-vault section, for a user coming from aws-vault: the aws-vault variables in the environment and
 * their tfmfa counterparts, aws-vault's config extensions (understood, or exactly what to change), the
 * `credential_process = aws-vault …` lines and the tfmfa line to point them at (doctor never edits the
 * config), and keys aws-vault still holds.
 */

/** aws-vault's extensions that tfmfa passes on as aws-vault does. */
const UNDERSTOOD = ['mfa_process', 'session_tags', 'transitive_session_tags', 'source_identity'] as const;

/** The profile an `aws-vault export|exec … PROFILE` command names, or null when it is not one. */
export function awsVaultCommandProfile(command: string): string | null {
  const words = commandWords(command);
  const at = awsVaultAt(words);
  if (at < 0) return null;
  const sub = words[at + 1];
  if (sub !== 'export' && sub !== 'exec') return null;
  const rest = words.slice(at + 2);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word === '--') break;
    // Options that take a value as the next word (aws-vault's exec/export flags).
    if (/^(--duration|-d|--mfa-token|-t|--region|--format|--backend|--prompt|--keychain)$/.test(word)) {
      i++;
      continue;
    }
    if (!word.startsWith('-')) return word;
  }
  return null;
}

/** How the config should run tfmfa: the tfmfa on PATH, else this Node and this entry point. */
export function tfmfaCommand(settings: Settings): string {
  const onPath = findProgram('tfmfa', settings);
  return onPath ? shWord(onPath) : `${shWord(process.execPath)} ${shWord(entryPoint())}`;
}

export function awsVaultChecks(files: AwsFiles, settings: Settings): Check[] {
  const checks: Check[] = [];
  for (const variable of awsVaultVariablesIn(settings)) {
    if (variable.name === 'AWS_VAULT') {
      checks.push(
        warning(
          `AWS_VAULT is set ('${settings.awsVault}'): this shell runs inside 'aws-vault exec', ` +
            'and its AWS_* keys win over profiles in most tools',
          "leave that shell (exit) and run tfmfa from a plain one; tfmfa's own marker is TFMFA_PROFILE",
        ),
      );
    } else {
      checks.push(info(`${variable.name} is set (aws-vault's); tfmfa: ${variable.counterpart}`));
    }
  }
  const names = [...files.profiles.keys()].sort(compareNames);
  for (const key of UNDERSTOOD) {
    const users = names.filter((name) => files.profiles.get(name)?.[key]?.trim());
    if (!users.length) continue;
    const use = key === 'mfa_process' ? 'runs to get the MFA code' : 'passed to AssumeRole';
    checks.push(ok(`${key} (aws-vault's) in ${users.map((n) => `'${n}'`).join(', ')}: ${use}, as aws-vault does`));
  }
  for (const name of names) {
    const section = files.profiles.get(name) ?? {};
    const included = section.include_profile?.trim();
    if (included) {
      const from = files.profiles.get(included);
      const missing = from
        ? Object.keys(from).filter((key) => section[key] === undefined && from[key] !== undefined)
        : [];
      checks.push(
        warning(
          `profile '${name}' has include_profile = ${included}: aws-vault's extension, which tfmfa (like the ` +
            `AWS SDKs, Terraform and the AWS CLI) does not read`,
          from
            ? missing.length
              ? `copy ${missing.join(', ')} from [profile ${included}] into [profile ${name}] and delete the ` +
                `include_profile line`
              : `[profile ${name}] already has every setting of '${included}': delete the include_profile line`
            : `profile '${included}' does not exist: delete the include_profile line`,
        ),
      );
    }
    const command = section.credential_process?.trim();
    const target = command ? awsVaultCommandProfile(command) : null;
    if (command && target) {
      checks.push(
        warning(
          `profile '${name}' runs aws-vault (credential_process = ${command})`,
          `after 'tfmfa import --from aws-vault ${target}', replace that line with: ` +
            `credential_process = ${tfmfaCommand(settings)} credential-process ${shWord(target)}` +
            " ('tfmfa doctor --fix-aws-vault' does it, asking first; or drop the wrapper profile: with tfmfa " +
            'exec and the shims, profile = "…" blocks work through the overlay)',
        ),
      );
    }
  }
  const fileDir = awsVaultFileDir(settings);
  let itemCount = 0;
  try {
    itemCount = existsSync(fileDir) ? readdirSync(fileDir).filter((entry) => !entry.startsWith('.')).length : 0;
  } catch {
    // unreadable: nothing to say
  }
  if (itemCount)
    checks.push(
      info(
        `aws-vault's encrypted files hold ${itemCount} item(s) in ${fileDir}: 'tfmfa import --from aws-vault' ` +
          `copies the long-term keys among them`,
      ),
    );
  const awsVault = findProgram('aws-vault', settings);
  if (awsVault)
    checks.push(
      info(
        `aws-vault is installed (${awsVault}): 'tfmfa import --from aws-vault' copies the keys it holds; ` +
          `docs/migrating-from-aws-vault.md compares the commands`,
      ),
    );
  if (checks.length === 0) checks.push(ok('no aws-vault settings, variables or keys found'));
  return checks;
}
