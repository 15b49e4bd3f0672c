import { readSettings } from '../environment/settings.ts';
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileIdentity, type FileIdentity } from '../store/file-stamp.ts';
import { ALL_CREDENTIAL_KEYS } from '../config/kinds/index.ts';
import { SECRET_KEYS } from '../config/kinds/static-keys.ts';
import { chainNeedsSession, resolveChain, withoutStackTraces } from '../config/resolve.ts';
import type { AwsFiles } from '../config/files.ts';
import { debug, warnOnce } from '../debug.ts';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { overlayPaths, overlayRoot } from '../store/layout.ts';
import { CacheUnavailableError, ensurePrivateDir, warnUncached } from '../store/private-path.ts';
import { configEmptyKeys, emptyKeys } from './empty-keys.ts';
import { commandWord, commandWordProblem } from './ini-safety.ts';
import { renderSections, type ProfilePlan } from './render.ts';
import { packageLauncher } from './launcher-command.ts';

/**
 * The config overlay: the user's profiles rendered again from the SDK's parse of their files, in which every
 * profile that needs MFA or a role becomes `credential_process = <node> <tfmfa> credential-process … -- <name>`,
 * so that a Terraform provider block with `profile = "X"` (which beats credentials in the environment) still
 * gets tfmfa's session. Static-key profiles also go through credential_process, so the overlay never holds a
 * long-term key. Profiles only in the credentials file stay in the overlay's credentials file.
 *
 * An overlay is bound to the identity of the files it was made from (absolute real path, device, inode, size,
 * mtime): its directory is named after their real paths, its stamp holds their versions, and its
 * credential_process lines carry the real absolute paths.
 */
const FORMAT = 3;

/** Keys an SDK ranks ahead of credential_process, or that would make it try MFA/SSO itself: every kind's. */
const SHADOWING_KEYS: ReadonlySet<string> = new Set(ALL_CREDENTIAL_KEYS);
/** Long-term key material: never in the overlay, whatever the profile. */
const KEY_MATERIAL: ReadonlySet<string> = new Set(SECRET_KEYS);

export interface Overlay {
  configPath: string;
  credentialsPath: string;
  /** The user's files the overlay was made from, by absolute real path (what nested tfmfa reads). */
  sources: { configPath: string; credentialsPath: string };
  rewritten: string[];
}

export interface OverlayContext {
  cacheDir: string;
  files: AwsFiles;
  /** Absolute paths of the Node binary and tfmfa's entry point, for the credential_process command. */
  node: string;
  entryPoint: string;
  user: string;
  /** The profile the command uses: if the overlay cannot hold it, tfmfa refuses instead of skipping it. */
  profile?: string;
}

export interface RenderedOverlay {
  text: string;
  credentialsText: string;
  rewritten: string[];
  /** Profiles (and sso-session/services sections) left out, with why. */
  omitted: Map<string, string>;
}

/**
 * A path as the SDK's loader opens it: `~/` is the home directory (HOME, as the SDK finds it), not a folder named
 * ~.
 */
function asTheSdkOpensIt(path: string): string {
  return path.startsWith('~/') ? join(readSettings().home, path.slice(2)) : path;
}

/** The identities of the user's two files, as the overlay is bound to them. */
function sources(files: AwsFiles): { config: FileIdentity; credentials: FileIdentity } {
  return {
    config: fileIdentity(asTheSdkOpensIt(files.configPath)),
    credentials: fileIdentity(asTheSdkOpensIt(files.credentialsPath)),
  };
}

/** The paths the credential_process command names for the user's two files (absolute). */
export interface CommandFiles {
  config: string;
  credentials: string;
  /** tfmfa-launcher, when the command goes through it (it serves a ticket, else runs the `node entry …` after it). */
  launcher?: string;
}

/** The words of the credential_process command before the profile name; refuses what no line can hold safely. */
function commandPrefix(context: OverlayContext, files: CommandFiles): string {
  const launcher = files.launcher && !commandWordProblem(files.launcher) ? [files.launcher] : [];
  const words = [
    ...launcher,
    context.node,
    context.entryPoint,
    'credential-process',
    '--config-file',
    files.config,
    '--credentials-file',
    files.credentials,
  ];
  for (const path of [context.node, context.entryPoint, files.config, files.credentials]) {
    const problem = commandWordProblem(path);
    if (problem)
      throw new UserError(
        `config overlay: the path ${JSON.stringify(path)} contains ${problem}, so no credential_process line ` +
          `can name it for every SDK: move it, or run with --no-overlay (TFMFA_OVERLAY=0)`,
        2,
      );
  }
  return words.map(commandWord).join(' ');
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a missing file: as the SDK's loader, empty
  }
}

/** Which profiles the overlay hands to tfmfa credential-process. */
function profilesToRewrite(context: OverlayContext): Set<string> {
  const rewritten = new Set<string>();
  const nowMs = Date.now();
  withoutStackTraces(() => {
    for (const name of context.files.profiles.keys()) {
      try {
        const chain = resolveChain(context.files, name, { user: context.user, nowMs, hints: false });
        if (chainNeedsSession(chain) || chain.source.kind === 'static-keys') rewritten.add(name);
      } catch {
        // a profile tfmfa cannot resolve keeps its settings (its key material aside)
      }
    }
  });
  return rewritten;
}

/** Renders the overlay; the command names the files' real absolute paths unless told other paths (links to them). */
export function renderOverlayConfig(context: OverlayContext, commandFiles?: CommandFiles): RenderedOverlay {
  const identities = commandFiles ? undefined : sources(context.files);
  const prefix = commandPrefix(
    context,
    commandFiles ?? { config: identities!.config.path, credentials: identities!.credentials.path },
  );
  const rewritten = profilesToRewrite(context);
  const planFor = (name: string): ProfilePlan => {
    if (!rewritten.has(name)) return { drop: KEY_MATERIAL };
    const nameProblem = commandWordProblem(name);
    // A name no command line can carry (only possible in the credentials file): drop the profile, never its keys.
    if (nameProblem) return { drop: SHADOWING_KEYS, problem: `its name contains ${nameProblem}` };
    return { drop: SHADOWING_KEYS, credentialProcess: `${prefix} -- ${commandWord(name)}` };
  };
  const configEmpty = configEmptyKeys(readText(asTheSdkOpensIt(context.files.configPath)));
  const credentialsEmpty = emptyKeys(readText(asTheSdkOpensIt(context.files.credentialsPath)));
  const emptyFor = (section: string): Set<string> | undefined => {
    const inConfig = configEmpty.get(section);
    const inCredentials = context.files.profiles.has(section) ? credentialsEmpty.get(section) : undefined;
    return inConfig && inCredentials ? new Set([...inConfig, ...inCredentials]) : (inConfig ?? inCredentials);
  };
  const rendered = renderSections(context.files, planFor, emptyFor);
  for (const name of rewritten) if (rendered.omitted.has(name)) rewritten.delete(name);
  return {
    text: rendered.configText,
    credentialsText: rendered.credentialsText,
    rewritten: [...rewritten],
    omitted: rendered.omitted,
  };
}

/** The overlay's directory: one per pair of real source paths (a relative path in two directories: two overlays). */
function overlayId(identities: { config: FileIdentity; credentials: FileIdentity }): string {
  return createHash('sha256')
    .update(`${identities.config.path}\0${identities.credentials.path}`)
    .digest('hex')
    .slice(0, 16);
}

/**
 * The path the command names for a user file: its real path, or, when that path cannot stand in a
 * credential_process line for every SDK (a `#` or `;` in a folder name, a line break), a link to it in the
 * overlay's own directory.
 */
function commandPath(real: string, link: string): string {
  return commandWordProblem(real) ? link : real;
}

function pointLink(link: string, target: string): void {
  const temp = `${link}.${process.pid}.0.tmp`;
  rmSync(temp, { force: true });
  symlinkSync(target, temp);
  renameSync(temp, link);
}

function linkPointsTo(link: string, target: string): boolean {
  try {
    return readlinkSync(link) === target;
  } catch {
    return false;
  }
}

/** Writes (or reuses) the overlay for the user's current files. Regenerated only when a source file changes. */
export function ensureOverlay(context: OverlayContext): Overlay {
  const identities = sources(context.files);
  const paths = overlayPaths(context.cacheDir, overlayId(identities));
  const launcher = packageLauncher(context.entryPoint);
  const commandFiles = {
    config: commandPath(identities.config.path, paths.configLink),
    credentials: commandPath(identities.credentials.path, paths.credentialsLink),
    ...(launcher ? { launcher } : {}),
  };
  const links = (
    [
      [commandFiles.config, identities.config.path],
      [commandFiles.credentials, identities.credentials.path],
    ] as const
  ).filter(([used, real]) => used !== real);
  const stamp = JSON.stringify({
    format: FORMAT,
    config: identities.config,
    credentials: identities.credentials,
    keys: context.files.keyIndexPath ? fileIdentity(context.files.keyIndexPath).version : 'none',
    node: context.node,
    entry: context.entryPoint,
    launcher: launcher ?? 'none',
  });
  let previous: { stamp: string; rewritten: string[]; omitted: Array<[string, string]> } | undefined;
  try {
    previous = JSON.parse(readFileSync(paths.stampPath, 'utf8'));
    const intact = statSync(paths.configPath).isFile() && links.every(([link, target]) => linkPointsTo(link, target));
    if (previous?.stamp !== stamp || !intact) previous = undefined;
  } catch {
    previous = undefined; // no overlay yet, or an unreadable one: regenerate
  }
  const omitted = new Map(previous?.omitted ?? []);
  let rewritten = previous?.rewritten ?? [];
  if (!previous) {
    const rendered = renderOverlayConfig(context, commandFiles);
    ({ rewritten } = rendered);
    for (const [name, why] of rendered.omitted) omitted.set(name, why);
    ensurePrivateDir(overlayRoot(context.cacheDir));
    ensurePrivateDir(paths.dir);
    for (const [link, target] of links) pointLink(link, target);
    writeFileAtomic(paths.configPath, rendered.text);
    writeFileAtomic(paths.credentialsPath, rendered.credentialsText);
    writeFileAtomic(paths.stampPath, JSON.stringify({ stamp, rewritten, omitted: [...omitted] }));
    debug(`overlay ${paths.configPath}: credential_process for ${rewritten.join(', ') || 'no profile'}`);
    if (omitted.size) debug(`overlay leaves out ${[...omitted].map(([name, why]) => `'${name}' (${why})`).join(', ')}`);
  }
  const problem = context.profile !== undefined ? omitted.get(context.profile) : undefined;
  if (problem)
    throw new UserError(
      `profile '${context.profile}' cannot be written into the config overlay: ${problem}; rename it, or run ` +
        `with --no-overlay (TFMFA_OVERLAY=0)`,
      2,
    );
  return {
    configPath: paths.configPath,
    credentialsPath: paths.credentialsPath,
    sources: { configPath: identities.config.path, credentialsPath: identities.credentials.path },
    rewritten,
  };
}

/**
 * The overlay, or null (after one warning) when it cannot be written (read-only or full disk, a cache path in
 * the way): the child then runs with credentials in its environment only, which is what most tools use anyway.
 * A path or the profile in use that the overlay cannot express safely is refused (UserError), never skipped.
 */
export function overlayOrWarn(context: OverlayContext): Overlay | null {
  try {
    return ensureOverlay(context);
  } catch (error) {
    if (error instanceof UserError && !(error instanceof CacheUnavailableError)) throw error;
    // A cache that cannot be written is one problem, already (or about to be) warned about once.
    if (error instanceof CacheUnavailableError || (error as NodeJS.ErrnoException).code) warnUncached(error as Error);
    else
      warnOnce(
        'overlay',
        `config overlay skipped (${(error as Error).message}): profiles named in code (provider "aws" { ` +
          `profile = … }) will not get tfmfa's session`,
      );
    debug(`config overlay skipped: ${(error as Error).message}`);
    return null;
  }
}
