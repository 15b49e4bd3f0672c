import type { Settings } from '../environment/settings.ts';
import { readFileSync, statSync } from 'node:fs';
import type { AwsFiles } from '../config/files.ts';
import { UserError } from '../errors.ts';
import { askRequired } from '../keystore/terminal-prompt.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { terminalAvailable } from '../terminal-question.ts';
import { shWord } from '../output/quoting.ts';
import { awsVaultCommandProfile, tfmfaCommand } from './aws-vault-checks.ts';

/**
 * `tfmfa doctor --fix-aws-vault`: points each `credential_process = aws-vault export|exec … PROFILE` line of the
 * config file at tfmfa, one profile at a time and only after a yes on the terminal. The line's value is replaced
 * in place; every other byte of the file stays, and the file is replaced atomically with its own mode.
 */

const SECTION = /^\s*\[([^\]]*)\]/;
const CREDENTIAL_PROCESS = /^(\s*credential_process\s*=\s*)(.*?)(\s*)$/;

function sectionProfile(inner: string): string | null {
  const name = inner.trim();
  if (name === 'default') return 'default';
  return /^profile\s+(.+)$/.exec(name)?.[1]?.trim() ?? null;
}

/** `text` with the aws-vault credential_process line of `profile` replaced by `command`; null when there is none. */
export function withCredentialProcess(text: string, profile: string, command: string): string | null {
  const lines = text.split(/(?<=\n)/);
  let current: string | null = null;
  for (const [index, line] of lines.entries()) {
    const eol = /\r?\n$/.exec(line)?.[0] ?? '';
    const body = line.slice(0, line.length - eol.length);
    const header = SECTION.exec(body);
    if (header) {
      current = sectionProfile(header[1] as string);
      continue;
    }
    if (current !== profile) continue;
    const match = CREDENTIAL_PROCESS.exec(body);
    if (match && awsVaultCommandProfile(match[2] as string) !== null) {
      lines[index] = `${match[1]}${command}${match[3]}${eol}`;
      return lines.join('');
    }
  }
  return null;
}

/** Asks, profile by profile, and rewrites the lines agreed to. Returns what was done, one line each. */
export async function fixAwsVaultLines(files: AwsFiles, settings: Settings): Promise<string[]> {
  const candidates = [...files.profiles].flatMap(([name, section]) => {
    const target = section.credential_process ? awsVaultCommandProfile(section.credential_process) : null;
    return target ? [{ name, target }] : [];
  });
  if (candidates.length === 0) return ['no credential_process = aws-vault lines in the config: nothing to change'];
  if (!terminalAvailable())
    throw new UserError(
      'doctor --fix-aws-vault asks before changing each line and needs a terminal: run it from one (or make ' +
        'the change doctor shows by hand)',
      2,
    );
  const done: string[] = [];
  for (const { name, target } of candidates) {
    const text = readFileSync(files.configPath, 'utf8');
    const command = `${tfmfaCommand(settings)} credential-process ${shWord(target)}`;
    const changed = withCredentialProcess(text, name, command);
    if (changed === null) {
      done.push(`profile '${name}': its credential_process is not in ${files.configPath}: change it by hand`);
      continue;
    }
    const answer = await askRequired(`Point profile '${name}' at tfmfa (credential_process = ${command})? [y/N]`, {
      secret: false,
      what: 'a confirmation',
    }).catch((error: unknown) => {
      if (error instanceof UserError && error.exitCode === 130) return 'n';
      throw error;
    });
    if (!/^y(es)?$/i.test(answer)) {
      done.push(`profile '${name}': left as it was`);
      continue;
    }
    writeFileAtomic(files.configPath, changed, statSync(files.configPath).mode & 0o777);
    done.push(
      `profile '${name}': credential_process now runs tfmfa (run 'tfmfa import --from aws-vault ${target}' if ` +
        `its keys are still only in aws-vault)`,
    );
  }
  return done;
}
