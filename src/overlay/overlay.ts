import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ALL_CREDENTIAL_KEYS } from '../config/kinds/index.ts';
import { SECRET_KEYS as SECRET_KEY_NAMES } from '../config/kinds/static-keys.ts';
import { chainNeedsSession, resolveChain } from '../config/resolve.ts';
import type { AwsFiles } from '../config/types.ts';
import { debug, warnOnce } from '../debug.ts';
import { shWord } from '../output/quoting.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { overlayPaths, overlayRoot } from '../store/layout.ts';
import { CacheUnavailableError, ensurePrivateDir, warnUncached } from '../store/private-path.ts';
import { configSectionProfile, editSections, type SectionEdit } from './ini-filter.ts';

/**
 * The config overlay: a copy of the user's config in which every profile that needs MFA or a role becomes
 * `credential_process = <node> <tfmfa> credential-process <name> …`, so that a Terraform provider block with
 * `profile = "X"` (which beats credentials in the environment) still gets tfmfa's session. Static-key profiles
 * also go through credential_process, so the overlay never holds a long-term key: its credentials file keeps
 * only the profiles that exist nowhere else, with credential_process in place of their keys.
 */
const FORMAT = 2;

/** Keys an SDK ranks ahead of credential_process, or that would make it try MFA/SSO itself: every kind's. */
const SHADOWING_KEYS = ALL_CREDENTIAL_KEYS;
const SECRET_KEYS: ReadonlySet<string> = new Set(SECRET_KEY_NAMES);

export interface Overlay {
  configPath: string;
  credentialsPath: string;
  rewritten: string[];
}

export interface OverlayContext {
  cacheDir: string;
  files: AwsFiles;
  /** Absolute paths of the Node binary and tfmfa's entry point, for the credential_process command. */
  node: string;
  entryPoint: string;
  user: string;
}

function fileStamp(path: string): string {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : 'none';
}

function credentialProcessLine(context: OverlayContext, profile: string): string {
  const { files } = context;
  const command = [context.node, context.entryPoint, 'credential-process', profile, '--config-file', files.configPath, '--credentials-file', files.credentialsPath];
  return `credential_process = ${command.map(shWord).join(' ')}`;
}

/** Which profiles the overlay hands to tfmfa credential-process. */
function profilesToRewrite(context: OverlayContext): { rewritten: string[]; staticOnly: string[] } {
  const rewritten: string[] = [];
  const staticOnly: string[] = [];
  for (const name of context.files.profiles.keys()) {
    try {
      const chain = resolveChain(context.files, name, { user: context.user, nowMs: Date.now() });
      if (chainNeedsSession(chain)) rewritten.push(name);
      else if (chain.source.kind === 'static-keys') staticOnly.push(name);
    } catch {
      // a profile tfmfa cannot resolve is left exactly as the user wrote it
    }
  }
  return { rewritten, staticOnly };
}

export function renderOverlayConfig(context: OverlayContext, configText: string): { text: string; credentialsText: string; rewritten: string[] } {
  const { files } = context;
  const { rewritten, staticOnly } = profilesToRewrite(context);
  const handled = new Set([...rewritten, ...staticOnly]);
  const movedFromCredentials = (name: string) => Object.entries(files.credentialsSections.get(name) ?? {})
    .filter(([key, value]) => !SECRET_KEYS.has(key) && !key.includes('.') && value !== undefined && !(handled.has(name) && SHADOWING_KEYS.includes(key)));
  const editFor = (header: string): SectionEdit | undefined => {
    const name = configSectionProfile(header);
    if (name === null) return undefined;
    const moved = movedFromCredentials(name);
    const hasSecret = [...SECRET_KEYS].some((key) => files.profiles.get(name)?.[key] !== undefined);
    if (!handled.has(name) && moved.length === 0 && !hasSecret) return undefined;
    // Long-term keys never reach the overlay, even in a profile tfmfa cannot resolve.
    const dropKeys = new Set([...(handled.has(name) ? SHADOWING_KEYS : SECRET_KEYS), ...moved.map(([key]) => key)]);
    return { dropKeys, addLines: [...(handled.has(name) ? [credentialProcessLine(context, name)] : []), ...moved.map(([key, value]) => `${key} = ${value}`)] };
  };
  const edited = editSections(configText, editFor);
  // Profiles the SDK found only in the credentials file stay in the overlay's credentials file (which accepts
  // names the config file's parser would not), with credential_process instead of keys: still no secret.
  const credentialsLines: string[] = [];
  for (const name of files.credentialsSections.keys()) {
    if (files.configProfileNames.has(name)) continue;
    const lines = [...(handled.has(name) ? [credentialProcessLine(context, name)] : []), ...movedFromCredentials(name).map(([key, value]) => `${key} = ${value}`)];
    if (lines.length > 0) credentialsLines.push(`[${name}]`, ...lines);
  }
  return { text: edited.text, credentialsText: credentialsLines.length ? `${credentialsLines.join('\n')}\n` : '', rewritten };
}

/** Writes (or reuses) the overlay for the user's current files. Regenerated only when a source file changes. */
export function ensureOverlay(context: OverlayContext): Overlay {
  const { files } = context;
  const id = createHash('sha256').update(`${files.configPath}\n${files.credentialsPath}`).digest('hex').slice(0, 16);
  const { dir, configPath, credentialsPath, stampPath } = overlayPaths(context.cacheDir, id);
  ensurePrivateDir(overlayRoot(context.cacheDir));
  ensurePrivateDir(dir);
  const overlay = { configPath, credentialsPath };
  const stamp = JSON.stringify({ format: FORMAT, config: fileStamp(files.configPath), credentials: fileStamp(files.credentialsPath), keys: files.keyIndexPath ? fileStamp(files.keyIndexPath) : 'none', node: context.node, entry: context.entryPoint });
  try {
    const previous = JSON.parse(readFileSync(stampPath, 'utf8')) as { stamp: string; rewritten: string[] };
    if (previous.stamp === stamp && statSync(overlay.configPath).isFile()) return { ...overlay, rewritten: previous.rewritten };
  } catch {
    // no overlay yet, or an unreadable one: regenerate
  }
  let configText = '';
  try {
    configText = readFileSync(files.configPath, 'utf8');
  } catch {
    // no config file: the overlay holds only what comes from the credentials file
  }
  const { text, credentialsText, rewritten } = renderOverlayConfig(context, configText);
  writeFileAtomic(overlay.configPath, text);
  writeFileAtomic(overlay.credentialsPath, credentialsText);
  writeFileAtomic(stampPath, JSON.stringify({ stamp, rewritten }));
  debug(`overlay ${overlay.configPath}: credential_process for ${rewritten.join(', ') || 'no profile'}`);
  return { ...overlay, rewritten };
}

/**
 * The overlay, or null (after one warning) when it cannot be written (read-only or full disk, a cache path in
 * the way) or cannot be expressed (a path with a line break cannot stand on an INI line): the child then runs
 * with credentials in its environment only, which is what most tools use anyway.
 */
export function overlayOrWarn(context: OverlayContext): Overlay | null {
  const paths = [context.node, context.entryPoint, context.files.configPath, context.files.credentialsPath];
  const problem = paths.some((p) => /[\r\n]/.test(p)) ? 'a path contains a line break' : null;
  try {
    if (problem) throw new Error(problem);
    return ensureOverlay(context);
  } catch (error) {
    // A cache that cannot be written is one problem, already (or about to be) warned about once.
    if (error instanceof CacheUnavailableError || (error as NodeJS.ErrnoException).code) warnUncached(error as Error);
    else warnOnce('overlay', `config overlay skipped (${(error as Error).message}): profiles named in code (provider "aws" { profile = … }) will not get tfmfa's session`);
    debug(`config overlay skipped: ${(error as Error).message}`);
    return null;
  }
}
