// The prompt drivers that put values into script text (issue 21.8): PowerShell's PromptForCredential script, read
// by PowerShell's verbatim-string grammar (test/support/powershell-grammar.ts: a string also ends at U+2018..U+201B);
// whatever the profile name and text, the script's code is the template's and its strings are exactly the values.
// osascript builds no script from values: they travel as arguments of its run handler.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { OSASCRIPT, OSASCRIPT_LINES } from '../../../src/mfa/drivers/osascript.ts';
import { powershellScript } from '../../../src/mfa/drivers/powershell.ts';
import { PS_QUOTES, splitVerbatim } from '../../support/powershell-grammar.ts';

const SPECIALS = [
  ...PS_QUOTES,
  '"',
  '$',
  '`',
  '(',
  ')',
  ';',
  '+',
  '\n',
  '\r',
  '#',
  '@',
  '{',
  '}',
  '\u201c',
  '\u201d',
  '\u2018\u2018',
  ' ',
];
const hostile = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
    { weight: 2, arbitrary: fc.constantFrom('a', 'Z', '0', '-') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 40,
});
const REPORTED = [
  'x\u2019+(Start-Process calc)+\u2019',
  "x'+(Start-Process calc)+'",
  'x\u2018; calc; \u2018',
  'x\u201a\u201b',
  "it's",
];

describe('prompt driver scripts', () => {
  const template = splitVerbatim(powershellScript('TITLE', 'TEXT'));

  test('the template: code, then the strings Stop, TITLE, TEXT, MFA code and the empty user name', () => {
    assert.deepEqual(template.strings, ['Stop', 'TITLE', 'TEXT', 'MFA code', '']);
    assert.ok(template.code.join('').includes('$Host.UI.PromptForCredential('));
  });

  const holds = (title: string, text: string) => {
    const script = splitVerbatim(powershellScript(title, text));
    assert.deepEqual(script.code, template.code, `no code outside the literals for ${JSON.stringify([title, text])}`);
    assert.deepEqual(script.strings, ['Stop', title, text, 'MFA code', '']);
  };

  test('powershell: the reported names (a typographic quote ending the string) stay inside the literals', () => {
    for (const name of REPORTED) holds(`tfmfa: MFA code for ${name}`, name);
  });

  test('powershell: any title and text are read back exactly, with the code untouched (property)', () => {
    fc.assert(fc.property(hostile, hostile, holds), { numRuns: 2000 });
  });

  test("the grammar is the language's: a lone U+2019 ends the string, a doubled one does not", () => {
    assert.deepEqual(
      splitVerbatim("'it\u2019 + 1"),
      { code: ['', ' + 1'], strings: ['it'] },
      'the string ends at U+2019',
    );
    assert.throws(() => splitVerbatim("'it\u2019s'"), /not closed/, 'so the last quote opens another string');
    assert.deepEqual(splitVerbatim("'it\u2019\u2019s'").strings, ['it\u2019s']);
    assert.deepEqual(
      splitVerbatim("'a\u2018''").strings,
      ["a'"],
      'any two single-quote characters in a row stand for the second',
    );
    assert.deepEqual(
      splitVerbatim('\u201b\u201b\u201a\u2018').strings,
      ['\u201a'],
      'a string may open and close with typographic quotes',
    );
  });

  test("osascript: the script is the same whatever the values, which are its run handler's arguments", () => {
    fc.assert(
      fc.property(hostile, hostile, fc.integer({ min: 5, max: 3600 }), (title, text, seconds) => {
        const args = OSASCRIPT.args(title, text, seconds);
        assert.deepEqual(
          args.slice(0, -3),
          OSASCRIPT_LINES.flatMap((line) => ['-e', line]),
        );
        assert.deepEqual(args.slice(-3), [text, title, String(seconds)]);
      }),
      { numRuns: 500 },
    );
  });
});
