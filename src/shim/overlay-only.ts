import type { Settings } from '../environment/settings.ts';
import { currentUser } from '../config/chain.ts';
import type { AwsFiles } from '../config/files.ts';
import { debug, warn } from '../debug.ts';
import { entryPoint } from '../entry-point.ts';
import { overlayChanges, type EnvironmentChanges } from '../environment/changes.ts';
import { UserError } from '../errors.ts';
import { overlayOrWarn } from '../overlay/overlay.ts';
import { writeTicket } from '../store/ticket-write.ts';

/**
 * How long a ticket that carries only the overlay is good for. Its AWS files are checked on every launch
 * (identity, -nt) and the launcher's trust in it lasts a minute at a time (ticket-trust.ts); this bounds what
 * the launcher cannot see (a key added to the key store for this very profile).
 */
export const OVERLAY_TICKET_SECONDS = 3600;

const NOTHING: EnvironmentChanges = { set: {}, unset: [] };

/**
 * A shim run without a session of its own (no profile selected, or one with nothing for tfmfa to resolve):
 * the tool still gets the config overlay (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and the real files
 * behind them), so that every profile the code or the command line names (`profile = "X"`, `--profile X`)
 * resolves through tfmfa's credential_process. No keys, no marker, the profile variables untouched.
 *
 * With `ticket`, the same changes become the profile's ticket, so the shell launcher applies them without
 * Node while the AWS files stay the ones the overlay was made from.
 */
export function overlayOnlyChanges(
  profile: string,
  files: AwsFiles,
  loadedAtMs: number,
  settings: Settings,
  ticket: boolean,
): EnvironmentChanges {
  if (!settings.overlay) return NOTHING;
  const cacheDir = settings.cacheDir;
  let overlay;
  try {
    overlay = overlayOrWarn({
      cacheDir,
      files,
      node: process.execPath,
      entryPoint: entryPoint(),
      user: currentUser(settings),
    });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    warn(error.message);
    return NOTHING;
  }
  if (!overlay) return NOTHING;
  debug(
    `profile '${profile}': no session of its own, the tool gets the config overlay ` +
      `(${overlay.rewritten.length} profile(s) through credential_process)`,
  );
  const changes = overlayChanges(overlay);
  if (ticket) {
    const minTtl = settings.minTtl;
    const expiration = new Date(loadedAtMs + (minTtl + OVERLAY_TICKET_SECONDS) * 1000);
    writeTicket(
      cacheDir,
      profile,
      { minTtl, overlay: true, configPath: files.configPath, credentialsPath: files.credentialsPath, changes },
      expiration,
      loadedAtMs,
      minTtl,
    );
  }
  return changes;
}
