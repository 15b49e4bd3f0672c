/**
 * Keys written with nothing after `=` (`cli_pager =`). The JS SDK's parser reads such a line as the start of a
 * sub-section and keeps no key when no indented line follows; botocore and the Go SDK read it as an empty value
 * (`cli_pager =` turns the AWS CLI's pager off). The overlay is rendered from the JS SDK's parse, so this walks
 * the text with the same section and sub-section rules to find them and write them back: the JS SDK reads the
 * line as nothing again, the others as the empty value they read in the user's file.
 */
const PREFIXED_SECTION = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/; // the SDK's own pattern for `[type name]`
const SECTION_TYPES = ['profile', 'sso-session', 'services'];

/** Section (as the SDK names it: `profile.x`, `default`, `sso-session.x`, a credentials-file name) → empty keys. */
export function emptyKeys(text: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  let section: string | undefined;
  let pending: string | undefined;
  const settle = () => {
    if (section !== undefined && pending !== undefined)
      found.set(section, (found.get(section) ?? new Set()).add(pending));
    pending = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    const trimmed = (line.split(/(^|\s)[;#]/)[0] as string).trim();
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      settle();
      const name = trimmed.slice(1, -1);
      const match = PREFIXED_SECTION.exec(name);
      section = match ? (SECTION_TYPES.includes(match[1] as string) ? `${match[1]}.${match[3]}` : undefined) : name;
      continue;
    }
    if (section === undefined) continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) continue;
    if (trimmed.slice(equals + 1).trim() === '') {
      settle();
      pending = trimmed.slice(0, equals).trim();
    } else if (line.trimStart() === line) {
      settle(); // a key at the left margin ends the sub-section: the empty key stayed empty
    } else {
      pending = undefined; // an indented line under it: it was a sub-section
    }
  }
  settle();
  return found;
}

/** The empty keys of the config file by the names the loader uses (profiles bare, `sso-session.x`, `services.x`). */
export function configEmptyKeys(text: string): Map<string, Set<string>> {
  const raw = emptyKeys(text);
  const out = new Map<string, Set<string>>();
  if (raw.has('default') && !raw.has('profile.default')) out.set('default', raw.get('default') as Set<string>);
  for (const [name, keys] of raw) {
    if (name.startsWith('profile.')) out.set(name.slice('profile.'.length), keys);
    else if (name.startsWith('sso-session.') || name.startsWith('services.')) out.set(name, keys);
  }
  return out;
}
