import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import { writeUserFileAtomic } from '../store/atomic-write.ts';

/**
 * Byte-preserving edits of the user's AWS files: every byte not being added or removed stays as it was
 * (comments, blank lines, CRLF, other profiles), and the file is replaced atomically with its own mode.
 */

const SECTION = /^\s*\[([^\]]*)\]/;

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function modeOf(path: string, fallback: number): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? stat.mode & 0o777 : fallback;
}

/** The profile a config-file section header names (`[default]`, `[profile x]`), else null. */
function configHeaderProfile(inner: string): string | null {
  const name = inner.trim();
  if (name === 'default') return 'default';
  const match = /^profile\s+(.+)$/.exec(name);
  return match ? (match[1] as string).trim() : null;
}

/** Appends `[profile NAME]` (or `[default]`) to the config file when it has no such section. True when added. */
export function ensureConfigProfile(configPath: string, profile: string): boolean {
  const text = readOrEmpty(configPath);
  const lines = text.split(/\r?\n/);
  if (
    lines.some((line) => {
      const match = SECTION.exec(line);
      return match !== null && configHeaderProfile(match[1] as string) === profile;
    })
  )
    return false;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const header = profile === 'default' ? '[default]' : `[profile ${profile}]`;
  const separator = text === '' || text.endsWith('\n') ? '' : eol;
  mkdirSync(dirname(configPath), { recursive: true, mode: 0o700 });
  writeUserFileAtomic(configPath, `${text}${separator}${header}${eol}`, modeOf(configPath, 0o600));
  return true;
}

const KEY_NAMES = new Set(['aws_access_key_id', 'aws_secret_access_key']);
const PREFIXED_SECTION = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;
const PREFIXES = new Set(['profile', 'sso-session', 'services']);

/**
 * The credentials file without the key lines (aws_access_key_id, aws_secret_access_key) of the given
 * sections; every other byte kept, except the header of a section that those lines leave with nothing but
 * blank lines (an empty `[NAME]` would stay behind as a profile of no use; one with a comment or any other
 * line stays). Sections, comments and sub-sections are recognised exactly as the SDK's INI parser does
 * (@smithy parseIni), so the lines removed are the lines the SDK would read the keys from.
 * Pure, for `import` and its property test.
 */
export function withoutKeyLines(text: string, profiles: ReadonlySet<string>): string {
  let current: string | undefined;
  let subSection: string | undefined;
  const out: string[] = [];
  // The section being read: where its header is in `out`, whether a key line was removed from it, whether
  // anything but blank lines is left in it.
  let section: { header: number; removed: boolean; kept: boolean } | undefined;
  const closeSection = (): void => {
    if (section && section.removed && !section.kept) out[section.header] = '';
    section = undefined;
  };
  const parts = text.split(/(?<=\n)/);
  for (const [index, part] of parts.entries()) {
    const line = part.replace(/\r?\n$/, '');
    const trimmed = (line.split(/(^|\s)[;#]/)[0] ?? '').trim();
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      closeSection();
      const name = trimmed.slice(1, -1);
      const prefixed = PREFIXED_SECTION.exec(name);
      current = prefixed ? (PREFIXES.has(prefixed[1] as string) ? `${prefixed[1]}.${prefixed[3]}` : undefined) : name;
      subSection = undefined;
      // Only a header alone on its line (nothing after the `]`, not even a comment) is ever removed.
      if (current !== undefined && profiles.has(current) && line.trim() === trimmed)
        section = { header: out.length, removed: false, kept: false };
      out.push(part);
      continue;
    }
    if (current !== undefined) {
      const equals = trimmed.indexOf('=');
      if (equals > 0) {
        const key = trimmed.slice(0, equals).trim();
        const value = trimmed.slice(equals + 1).trim();
        if (value === '') subSection = key;
        else {
          const closesSubSection = subSection !== undefined && line.trimStart() === line;
          if (closesSubSection) subSection = undefined;
          if (!subSection && profiles.has(current) && KEY_NAMES.has(key)) {
            // This line ends a sub-section (`s3 =` + indented lines): without it, indented lines after it would
            // join that sub-section. Rare; refuse rather than change what the SDK reads.
            if (closesSubSection)
              throw new UserError(
                `cannot remove the ${key} line of [${current}] without changing how the lines after it are ` +
                  `read (it ends the indented block above it): move it above that block and run import again`,
                2,
              );
            if (continuesAValue(parts, index))
              throw new UserError(
                `cannot remove the ${key} line of [${current}] without changing what the AWS CLI reads (an ` +
                  `indented line continues a value there): remove the indentation around it and run import again`,
                2,
              );
            if (section) section.removed = true;
            continue;
          }
        }
      }
    }
    if (section && line.trim() !== '') section.kept = true;
    out.push(part);
  }
  closeSection();
  return out.join('');
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlankOrComment = (line: string): boolean => /^\s*([;#]|$)/.test(line);

/**
 * Whether the key line at `index` is tied to its neighbours by Python's configparser (botocore, the AWS CLI),
 * which reads a line indented deeper than the option before it (blank and comment lines between) as more of
 * that option's value: the key line continues the value above it, or the next line continues the key's.
 * Removing the line would then change what the AWS CLI reads, while the SDK's parser reads them apart.
 */
function continuesAValue(parts: readonly string[], index: number): boolean {
  const lineAt = (i: number) => (parts[i] as string).replace(/\r?\n$/, '');
  const own = indentOf(lineAt(index));
  for (let i = index + 1; i < parts.length; i++) {
    const line = lineAt(i);
    if (isBlankOrComment(line)) continue;
    if (indentOf(line) > own) return true;
    break;
  }
  for (let i = index - 1; i >= 0; i--) {
    const line = lineAt(i);
    if (isBlankOrComment(line)) continue;
    return /^\s*\[/.test(line) ? false : own > indentOf(line);
  }
  return false;
}

/**
 * Refuses (one line) a credentials file whose key lines an atomic replace would not remove everywhere: one
 * with other hard links (they would keep the old bytes, keys included).
 */
export function checkKeysRemovable(credentialsPath: string): void {
  const stat = statSync(credentialsPath, { throwIfNoEntry: false });
  if (stat && stat.nlink > 1) {
    throw new UserError(
      `${credentialsPath} has ${stat.nlink} hard links: replacing it would leave the keys readable through the ` +
        `others; remove the other links (find / -xdev -samefile ${credentialsPath}) and run import again`,
      2,
    );
  }
}

/**
 * Removes those key lines from the credentials file atomically (where its bytes are, through a symlink);
 * false when nothing changed. Afterwards the file is read back through its own path: the keys must be gone.
 */
export function removeKeyLines(credentialsPath: string, profiles: ReadonlySet<string>): boolean {
  checkKeysRemovable(credentialsPath);
  const text = readOrEmpty(credentialsPath);
  const next = withoutKeyLines(text, profiles);
  if (next === text) return false;
  writeUserFileAtomic(credentialsPath, next, modeOf(credentialsPath, 0o600));
  const after = readOrEmpty(credentialsPath);
  if (withoutKeyLines(after, profiles) !== after)
    throw new UserError(
      `the key lines are still in ${credentialsPath} after it was rewritten (was it replaced meanwhile?): ` +
        `remove them by hand`,
      1,
    );
  return true;
}
