import { applyChanges } from '../environment/changes.ts';
import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { isMfaCode, normalizeMfaCode, type MfaCodeSource } from './types.ts';

const MFA_PROCESS_TIMEOUT_MS = 60_000;

/**
 * aws-vault's `mfa_process`: a command (run by /bin/sh, like credential_process) whose stdout is the code,
 * e.g. `ykman oath accounts code --single my-aws`. Its stderr goes to ours so touch prompts are seen.
 */
export function processSource(command: string, profile: string, settings: Settings): MfaCodeSource {
  return {
    name: 'mfa_process',
    retryable: true,
    async code() {
      const { execa } = await import('execa');
      const result = await execa(command, {
        shell: true,
        env: applyChanges(settings.environment),
        extendEnv: false,
        stdin: 'ignore',
        stderr: 'inherit',
        reject: false,
        timeout: MFA_PROCESS_TIMEOUT_MS,
        stripFinalNewline: true,
      });
      if (result.timedOut)
        throw new UserError(`mfa_process of profile '${profile}' did not finish within 60s: check the command`);
      if (result.exitCode !== 0) {
        throw new UserError(
          `mfa_process of profile '${profile}' failed ` +
            `(${result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`}): check the command ` +
            `'${command}'`,
        );
      }
      const code = normalizeMfaCode(String(result.stdout));
      if (!isMfaCode(code)) {
        throw new UserError(
          `mfa_process of profile '${profile}' did not print a 6-digit code (got ${code.length} characters): ` +
            `fix the command so that its only output is the code`,
        );
      }
      return code;
    },
  };
}
