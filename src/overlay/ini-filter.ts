/**
 * A line filter over an AWS config file's text (not a parser: the SDK's loader parses). It keeps every byte of
 * the sections it is not asked to change, and in the sections it changes it drops the named keys (with their
 * indented sub-lines) and adds lines after the section header.
 */
export interface SectionEdit {
  dropKeys: ReadonlySet<string>;
  addLines: readonly string[];
}

const HEADER = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const KEY = /^([^\s=#;[][^=]*?)\s*=/;

/** `[default]` → default, `[profile x]` → x; other section kinds (sso-session, services) → null. */
export function configSectionProfile(header: string): string | null {
  if (header === 'default') return 'default';
  const match = /^profile\s+(.+)$/.exec(header);
  return match ? (match[1] as string).trim() : null;
}

export function editSections(text: string, editFor: (header: string) => SectionEdit | undefined): { text: string; seen: Set<string> } {
  const out: string[] = [];
  const seen = new Set<string>();
  let edit: SectionEdit | undefined;
  let dropping = false;
  const lines = text.split('\n');
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      const name = header[1] as string;
      seen.add(name);
      edit = editFor(name);
      dropping = false;
      out.push(line, ...(edit?.addLines ?? []));
      continue;
    }
    if (edit) {
      const key = /^\S/.test(line) ? KEY.exec(line) : null;
      if (key) dropping = edit.dropKeys.has((key[1] as string).trim());
      else if (line.trim() === '' || /^\S/.test(line)) dropping = false; // blank lines and comments end a key's sub-lines
      if (dropping) continue;
    }
    out.push(line);
  }
  return { text: out.join('\n'), seen };
}
