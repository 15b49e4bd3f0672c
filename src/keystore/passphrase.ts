import { UserError } from '../errors.ts';
import type { PassphraseSource } from './file-backend.ts';
import type { KeystoreSettings } from './settings.ts';
import { askRequired } from './terminal-prompt.ts';

const MINIMUM_LENGTH = 8;

/** The vault passphrase: TFMFA_FILE_PASSPHRASE, else asked on the terminal (twice for a new vault). */
export function passphraseSource(settings: KeystoreSettings, vaultPath: string): PassphraseSource {
  return async (creating, retry) => {
    const given = settings.passphrase;
    if (given !== undefined) {
      if (retry !== undefined) return null; // the environment's passphrase was wrong: nothing else to try
      if (creating && given.length < MINIMUM_LENGTH)
        throw new UserError(
          `TFMFA_FILE_PASSPHRASE is too short for a new vault: use at least ${MINIMUM_LENGTH} characters`,
          2,
        );
      return given;
    }
    if (!creating)
      return askRequired(`Passphrase of the tfmfa key vault ${vaultPath}:`, {
        secret: true,
        what: 'the vault passphrase',
        ...(retry ? { note: retry } : {}),
      });
    const first = await askRequired(`New passphrase for the tfmfa key vault ${vaultPath}:`, {
      secret: true,
      what: 'the vault passphrase',
      validate: (value) => (value.length >= MINIMUM_LENGTH ? true : `At least ${MINIMUM_LENGTH} characters`),
    });
    const again = await askRequired('The same passphrase again:', { secret: true, what: 'the vault passphrase' });
    if (again !== first)
      throw new UserError('the two passphrases differ: nothing was stored, run the command again', 2);
    return first;
  };
}
