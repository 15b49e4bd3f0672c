// PowerShell's verbatim (single-quoted) strings, from the language specification (§2.3.5.2, about_Quoting_Rules),
// for tests only (pwsh is not in Debian): a string opens at a single-quote character, ' or U+2018..U+201B, and
// ends at one that is not followed by another; two in a row stand for the second one. Nothing expands inside.

export const PS_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);

/** The verbatim string opening at `start` (a single-quote character): its value and the index after it. */
export function readVerbatimString(script: string, start: number): { text: string; end: number } {
  if (!PS_QUOTES.has(script[start] as string)) throw new Error(`no single-quote character at ${start}`);
  let i = start + 1;
  let text = '';
  for (;;) {
    if (i >= script.length) throw new Error('the string is not closed');
    const c = script[i] as string;
    if (PS_QUOTES.has(c)) {
      if (PS_QUOTES.has(script[i + 1] as string)) {
        text += script[i + 1];
        i += 2;
        continue;
      }
      return { text, end: i + 1 };
    }
    text += c;
    i++;
  }
}

/**
 * A script split into code and verbatim strings, for scripts whose code holds no double-quoted string, comment
 * or here-string (each part is then what PowerShell sees it as): `code` has the code between the strings.
 */
export function splitVerbatim(script: string): { code: string[]; strings: string[] } {
  const code: string[] = [];
  const strings: string[] = [];
  let part = '';
  let i = 0;
  while (i < script.length) {
    const c = script[i] as string;
    if (PS_QUOTES.has(c)) {
      const { text, end } = readVerbatimString(script, i);
      code.push(part);
      strings.push(text);
      part = '';
      i = end;
      continue;
    }
    if (c === '"' || c === '#' || c === '@') throw new Error(`code with ${c}: beyond this reader`);
    part += c;
    i++;
  }
  code.push(part);
  return { code, strings };
}
