import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A `profile = …` setting inside a provider or S3 backend block of a `.tf` file. */
export interface ProfileSetting {
  file: string;
  line: number;
  /** `provider "aws"`, `backend "s3"`. */
  block: string;
  /** The profile name when the value is a plain string literal, else null. */
  profile: string | null;
  /** The value as written (an expression such as `var.profile` when not a literal). */
  expression: string;
}

const BLOCK_START = /^\s*(provider|backend)\s+"?([\w-]+)"?\s*\{/;
const PROFILE_LINE = /^\s*profile\s*=\s*(.+?)\s*$/;
const LITERAL = /^"([^"\\$]*)"$/;

/** Drops comments and the contents of simple strings, so that braces can be counted. */
function code(line: string, state: { inComment: boolean }): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (state.inComment) {
      if (char === '*' && line[i + 1] === '/') {
        state.inComment = false;
        i++;
      }
      continue;
    }
    if (char === '#' || (char === '/' && line[i + 1] === '/')) break;
    if (char === '/' && line[i + 1] === '*') {
      state.inComment = true;
      i++;
      continue;
    }
    if (char === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      out += '""';
      i = j;
      continue;
    }
    out += char;
  }
  return out;
}

/**
 * Finds `profile = …` at the top level of provider and backend blocks. A line scanner, not an HCL parser: it
 * counts braces outside strings and comments, which covers the blocks people write.
 */
export function profileSettings(text: string, file: string): ProfileSetting[] {
  const found: ProfileSetting[] = [];
  const state = { inComment: false };
  let block: string | null = null;
  let depth = 0;
  text.split('\n').forEach((raw, index) => {
    const wasInComment = state.inComment;
    const stripped = code(raw, state);
    if (block === null) {
      const start = wasInComment ? null : BLOCK_START.exec(raw);
      if (start) {
        block = `${start[1]} "${start[2]}"`;
        depth = 0;
      }
    } else if (depth === 1 && !wasInComment) {
      const setting = PROFILE_LINE.exec(raw.replace(/\s*(#|\/\/).*$/, ''));
      if (setting) {
        const expression = setting[1] as string;
        const literal = LITERAL.exec(expression);
        found.push({ file, line: index + 1, block, profile: literal ? (literal[1] as string) : null, expression });
      }
    }
    if (block !== null) {
      for (const char of stripped) {
        if (char === '{') depth++;
        else if (char === '}') depth--;
      }
      if (depth <= 0) block = null;
    }
  });
  return found;
}

/** The settings in every `*.tf` file of a directory, in file-name order. */
export function directoryProfileSettings(dir: string): { files: string[]; settings: ProfileSetting[] } {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.tf'))
      .sort();
  } catch {
    return { files: [], settings: [] };
  }
  const settings: ProfileSetting[] = [];
  for (const name of names) {
    try {
      settings.push(...profileSettings(readFileSync(join(dir, name), 'utf8'), name));
    } catch {
      // unreadable: skipped
    }
  }
  return { files: names, settings };
}
