import type { Settings } from '../environment/settings.ts';
import { debug, warn } from '../debug.ts';
import { oneLine } from '../errors.ts';
import {
  applyChanges,
  childChanges,
  mergeChanges,
  overlayChanges,
  serverChanges,
  type EnvironmentChanges,
} from '../environment/changes.ts';
import { entryPoint } from '../entry-point.ts';
import { overlayOrWarn } from '../overlay/overlay.ts';
import { currentUser, loadChain, type LoadedChain } from '../config/chain.ts';
import { profileSession, type SessionRequest } from '../session/profile-session.ts';
import { newToken } from './auth.ts';
import { mirrorEnd, startChild, type ChildEnd } from '../launch/child.ts';
import { defaultProfileShadows } from './child-environment.ts';
import { startCredentialServer } from './credential-server.ts';
import { orphanGuard } from './orphan-guard.ts';
import { credentialSupplier, serverRequest } from './renewal.ts';
import { upFrontRequest } from './session-notice.ts';

export interface RunWithServerOptions {
  request: SessionRequest;
  /** The resolved command file and its argv (argv[0] as the user typed it). */
  file: string;
  argv: string[];
  settings: Settings;
  /** False with `--no-overlay`; the overlay is also off with TFMFA_OVERLAY=0. */
  overlay?: boolean;
  /** Applied last to the child's environment (the shim's stack). */
  extra?: EnvironmentChanges;
  /** The profile's chain, when the caller has loaded it already. */
  loaded?: LoadedChain;
}

/**
 * `tfmfa exec --server`: tfmfa stays the parent and serves the profile's credentials to the command over a
 * local ECS-style endpoint, renewing them from the cached MFA session as they near expiry, so a run can
 * outlive a one-hour role session. The first resolution (and any prompt) happens before the command starts.
 */
export async function runWithServer(options: RunWithServerOptions): Promise<number> {
  const { settings } = options;
  const profile = options.request.profile;
  const request = serverRequest(options.request);
  const loaded = options.loaded ?? (await loadChain(profile, settings));
  // A run must not need a code midway: an MFA session that ends soon is renewed (or warned about) now.
  const session = await profileSession(await upFrontRequest(request, loaded), loaded);
  debug(`server mode for profile '${profile}' (${session.fromCache ? 'cached session' : 'new session'})`);
  if (defaultProfileShadows(session.files)) {
    const instead = profile === 'default' ? '' : ` and may use it instead of '${profile}'`;
    warn(
      `the 'default' profile in your AWS files has credentials of its own: SDKs in the command rank it ahead ` +
        `of the credential server${instead}`,
    );
  }

  const credentials = credentialSupplier(request, { log: (line) => process.stderr.write(`tfmfa: ${oneLine(line)}\n`) });
  const token = newToken();
  const server = await startCredentialServer({ token, credentials });
  debug(`credential server listening on 127.0.0.1:${server.port}`);

  let end: ChildEnd;
  try {
    let changes = serverChanges(server.url, token, profile);
    if ((options.overlay ?? true) && settings.overlay) {
      const overlay = overlayOrWarn({
        cacheDir: session.cacheDir,
        files: session.files,
        node: process.execPath,
        entryPoint: entryPoint(),
        user: currentUser(settings),
        profile,
      });
      if (overlay) changes = mergeChanges(changes, overlayChanges(overlay));
    }
    // The command must not outlive the server unnoticed, nor be served by whoever binds the port next
    // (orphan-guard.ts).
    const guard = orphanGuard(options.file, server.listeningFd, session.cacheDir);
    const child = startChild(
      options.file,
      options.argv,
      applyChanges(settings.environment, childChanges(settings, changes, session.chain.region, options.extra)),
      guard.options,
    );
    debug(`running ${options.file} (pid ${child.pid ?? '?'}) with the credential server: ${guard.description}`);
    end = await child.ended;
  } finally {
    await server.close();
  }
  debug(`command ended (${end.signal ?? `exit ${end.code}`}); credential server closed`);
  return mirrorEnd(end);
}
