import { UserError } from '../../errors.ts';
import { timeoutError } from '../dialog.ts';
import { findProgram, lastLine, runProgram } from '../program.ts';
import { noticeChannel, showTouchNotice } from '../touch-notice.ts';
import { isMfaCode, normalizeMfaCode, type MfaCodeSource, type PromptContext } from '../types.ts';
import { defineDriver } from './driver.ts';

const INSTALL =
  'install YubiKey Manager (Debian/Ubuntu: apt install yubikey-manager; macOS: brew install ykman; or pip ' +
  'install yubikey-manager)';

/**
 * A YubiKey's OATH-TOTP code through `ykman oath accounts code --single ACCOUNT`. When the account needs a
 * touch, ykman says so on stderr and waits: tfmfa passes that on where the user will see it.
 */
function ykmanSource(context: PromptContext): MfaCodeSource {
  return {
    name: 'ykman',
    retryable: true,
    async code() {
      const file = findProgram('ykman', context.settings);
      if (!file)
        throw new UserError(`ykman is not installed (MFA prompt 'ykman' for profile '${context.profile}'): ${INSTALL}`);
      let touched = false;
      const outcome = await runProgram(file, ['oath', 'accounts', 'code', '--single', context.account], {
        env: context.settings.environment,
        timeoutSeconds: context.timeoutSeconds,
        onStderrLine(line) {
          if (touched || !/touch/i.test(line)) return;
          touched = true;
          showTouchNotice(
            `Touch your YubiKey to give the MFA code for profile '${context.profile}' (${context.account})`,
            noticeChannel(context.settings, context.terminal),
            context.settings,
          );
        },
      });
      if (outcome.kind === 'missing')
        throw new UserError(`ykman is not installed (MFA prompt 'ykman' for profile '${context.profile}'): ${INSTALL}`);
      if (outcome.kind === 'failed') throw new UserError(`ykman could not be started (${outcome.message}): ${INSTALL}`);
      if (outcome.kind === 'timeout') throw timeoutError('ykman', context);
      const problem = lastLine(outcome.stderr);
      if (outcome.exitCode !== 0) {
        if (/no yubikey/i.test(outcome.stderr))
          throw new UserError(
            `no YubiKey detected for profile '${context.profile}': insert the key (and close other apps using ` +
              `it), then run again`,
          );
        if (/no .*match|no account/i.test(outcome.stderr)) {
          throw new UserError(
            `the YubiKey has no OATH account '${context.account}': add it (ykman oath accounts add) or name ` +
              `the right one with mfa_ykman_account in profile '${context.profile}'`,
          );
        }
        throw new UserError(
          `ykman failed (exit ${outcome.exitCode}${problem ? `: ${problem}` : ''}): check 'ykman oath accounts list'`,
        );
      }
      const code = normalizeMfaCode(outcome.stdout);
      if (!isMfaCode(code))
        throw new UserError(
          `ykman printed no 6-digit code for account '${context.account}' (got ${code.length} characters): ` +
            `check that it is a 6-digit TOTP account ('ykman oath accounts list')`,
        );
      return code;
    },
  };
}

export const ykman = defineDriver({
  name: 'ykman',
  title: 'the YubiKey (ykman)',
  source: ykmanSource,
});
