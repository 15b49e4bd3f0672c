// `tfmfa import` removes exactly the key lines of the imported profiles and keeps every other byte: a property
// test over generated credentials files (comments, CRLF and LF, blank lines, other profiles, sub-sections,
// session tokens, odd spacing), each result read back with the SDK's own INI loader.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import fc from 'fast-check';
import { withoutKeyLines } from '../../../src/keystore/aws-file-edit.ts';
import { BotocoreReader, hasBotocore } from '../../support/botocore.ts';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261129);
const RUNS = Math.max(1, Math.round(150 * Number(process.env.FC_NUM_RUNS_SCALE ?? 1)));
const dir = mkdtempSync(join(tmpdir(), 'tfmfa-import-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['default', 'dev', 'prod', 'ci-bot', 'x.y', 'profile dev'];
const name = fc.constantFrom(...NAMES);
const value = fc.stringMatching(/^[A-Za-z0-9/+=]{1,24}$/);
const space = fc.constantFrom('', ' ', '  ', '\t');
const keyName = fc.constantFrom(
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'region',
  'output',
  'AWS_ACCESS_KEY_ID',
);

const line = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(space, name, space).map(([a, n, b]) => `${a}[${n}]${b}`) },
  {
    weight: 6,
    arbitrary: fc.tuple(space, keyName, space, space, value).map(([a, k, b, c, v]) => `${a}${k}${b}=${c}${v}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('#', ';'), fc.constantFrom(' aws_access_key_id = AKIACOMMENTED', ' note', ''))
      .map(([c, t]) => `${c}${t}`),
  },
  { weight: 1, arbitrary: fc.tuple(keyName, value).map(([k, v]) => `${k} = ${v} # trailing comment`) },
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('s3 =', 'sts ='), keyName, value)
      .map(([head, k, v]) => `${head}\n  ${k} = ${v}`),
  },
);
const file = fc
  .tuple(fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 30 }), fc.boolean())
  .map(([lines, finalNewline]) => {
    const text = lines.map(([l, eol]) => `${l.replace(/\n/g, eol)}${eol}`).join('');
    return finalNewline ? text : text.replace(/\r?\n$/, '');
  });

let counter = 0;
async function sdkRead(text: string): Promise<Record<string, Record<string, string>>> {
  const path = join(dir, `credentials-${counter++}`);
  writeFileSync(path, text);
  const { credentialsFile } = await loadSharedConfigFiles({
    filepath: path,
    configFilepath: join(dir, 'none'),
    ignoreCache: true,
  });
  rmSync(path);
  return credentialsFile as Record<string, Record<string, string>>;
}

function withoutEmpty(sections: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(sections).filter(([, keys]) => Object.keys(keys).length > 0));
}

let refused = 0;
let accepted = 0;
let botocoreCompared = 0;
const botocore = hasBotocore() ? new BotocoreReader() : undefined;
after(() => botocore?.stop());
const emptyConfig = join(dir, 'empty-config');
writeFileSync(emptyConfig, '');

/** What botocore (the AWS CLI's reader) makes of a credentials file: its profiles, or null when it refuses the file. */
async function botocoreRead(text: string): Promise<Record<string, Record<string, unknown>> | null> {
  if (!botocore) return null;
  const path = join(dir, `botocore-${counter++}`);
  writeFileSync(path, text);
  const view = await botocore.read(emptyConfig, path);
  rmSync(path);
  return view.error ? null : view.profiles;
}

const KEY_LINE = /^\s*aws_(access_key_id|secret_access_key)\s*=/;
const HEADER_LINE = /^\s*\[([^\]]*)\]\s*$/;

/**
 * Issue 20.8: the header lines import may remove, by an independent reading of the file: the header (alone on
 * its line) of an imported profile whose section holds nothing but its key lines (at least one) and blank lines.
 */
function emptiedHeaders(lines: string[], imported: ReadonlySet<string>): Set<number> {
  const emptied = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER_LINE.exec(lines[i] as string);
    if (!header || !imported.has((header[1] as string).trim())) continue;
    let keys = 0;
    let other = false;
    for (let j = i + 1; j < lines.length && !/^\s*\[/.test(lines[j] as string); j++) {
      if (KEY_LINE.test(lines[j] as string)) keys++;
      else if ((lines[j] as string).trim() !== '') other = true;
    }
    if (keys > 0 && !other) emptied.add(i);
  }
  return emptied;
}

test("import keeps every byte but the imported profiles' key lines (read back with the SDK)", async () => {
  await fc.assert(
    fc.asyncProperty(file, fc.subarray(NAMES), async (text, chosen) => {
      const before = await sdkRead(text);
      const importable = new Set(chosen.filter((n) => before[n]));
      let result: string;
      try {
        result = withoutKeyLines(text, importable);
      } catch (error) {
        // Refused only for a key line that closes an indented sub-section block, or one an indented line ties to
        // its neighbours for botocore (see aws-file-edit.ts).
        assert.match(
          (error as Error).message,
          /it ends the indented block above it|an indented line continues a value there/,
        );
        refused++;
        return;
      }
      accepted++;

      // 1. Only whole lines were removed, each a key line or the header of a section those left empty; and every
      //    such header was removed (no empty [NAME] is left behind).
      const original = text.split(/(?<=\n)/).filter((l) => l !== '');
      const kept = result.split(/(?<=\n)/).filter((l) => l !== '');
      const emptied = emptiedHeaders(original, importable);
      const removable = (index: number) => KEY_LINE.test(original[index] as string) || emptied.has(index);
      let i = 0;
      for (const l of kept) {
        while (i < original.length && (original[i] !== l || emptied.has(i))) {
          assert.ok(
            removable(i),
            `removed a line that is neither a key line nor an emptied section's header: ${JSON.stringify(original[i])}`,
          );
          i++;
        }
        assert.ok(i < original.length, 'the result is the original with lines removed');
        i++;
      }
      for (; i < original.length; i++) assert.ok(removable(i), JSON.stringify(original[i]));
      const importedHeaders = (lines: string[]) =>
        lines.filter((l) => importable.has((HEADER_LINE.exec(l)?.[1] ?? '\0').trim())).length;
      assert.equal(
        importedHeaders(kept),
        importedHeaders(original) - emptied.size,
        "exactly the emptied sections' headers are gone",
      );

      // 2. What the SDK reads: the same, minus exactly the imported profiles' two keys.
      const expected = structuredClone(before);
      for (const n of importable) {
        delete expected[n]?.aws_access_key_id;
        delete expected[n]?.aws_secret_access_key;
      }
      assert.deepEqual(withoutEmpty(await sdkRead(result)), withoutEmpty(expected));

      // 3. Where botocore (the AWS CLI's reader) reads the original as the SDK does (the parsers differ on inline
      //    comments, letter case and indented lines), it reads the result as the SDK does too.
      const botoBefore = await botocoreRead(text);
      if (
        botoBefore &&
        isDeepStrictEqual(withoutEmpty(botoBefore as Record<string, Record<string, string>>), withoutEmpty(before))
      ) {
        const botoAfter = await botocoreRead(result);
        assert.ok(botoAfter, `botocore reads the result: ${JSON.stringify(result)}`);
        assert.deepEqual(withoutEmpty(botoAfter as Record<string, Record<string, string>>), withoutEmpty(expected));
        botocoreCompared++;
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  if (botocore)
    assert.ok(botocoreCompared > RUNS / 10, `botocore compared on enough files (${botocoreCompared} of ${RUNS})`);
  console.log(`botocore compared ${botocoreCompared}, accepted ${accepted}, refused ${refused}`);
  assert.ok(accepted > refused * 10, `mostly accepted (${accepted} accepted, ${refused} refused)`);
});

test('a key line that ends an indented block is refused, nothing else', () => {
  assert.throws(
    () =>
      withoutKeyLines('[dev]\ns3 =\n  region = x\naws_access_key_id = A\n  aws_session_token = t\n', new Set(['dev'])),
    /ends the indented block/,
  );
  assert.equal(
    withoutKeyLines('[dev]\ns3 =\n  region = x\nregion = y\naws_access_key_id = A\n', new Set(['dev'])),
    '[dev]\ns3 =\n  region = x\nregion = y\n',
  );
});

test('a CRLF file with comments and other profiles: exact expected bytes', () => {
  const text =
    '# keys\r\n[dev]\r\naws_access_key_id = AKIADEV\r\naws_secret_access_key=secret ; c\r\nregion = ' +
    'eu-west-1\r\n\r\n[prod]\r\naws_access_key_id = AKIAPROD\r\naws_secret_access_key = s2\r\n';
  assert.equal(
    withoutKeyLines(text, new Set(['dev'])),
    '# keys\r\n[dev]\r\nregion = eu-west-1\r\n\r\n[prod]\r\naws_access_key_id = ' +
      'AKIAPROD\r\naws_secret_access_key = s2\r\n',
  );
});

// Issue 20.8: import left an empty [GEHC-000] behind.
test(
  'a section left with nothing but blank lines goes, header and all; one with a comment or another ' + 'key stays',
  () => {
    const keys = 'aws_access_key_id = AKIADEV\naws_secret_access_key = s\n';
    assert.equal(withoutKeyLines(`[GEHC-000]\n${keys}`, new Set(['GEHC-000'])), '');
    assert.equal(
      withoutKeyLines(`# mine\n[GEHC-000]\n${keys}\n[prod]\n${keys}`, new Set(['GEHC-000'])),
      `# mine\n\n[prod]\n${keys}`,
    );
    assert.equal(
      withoutKeyLines(
        `[prod]\n${keys}[dev]\r\naws_access_key_id = A\r\naws_secret_access_key = B\r\n\r\n`,
        new Set(['dev']),
      ),
      `[prod]\n${keys}\r\n`,
    );
    assert.equal(
      withoutKeyLines(`[dev]\n# the dev account\n${keys}`, new Set(['dev'])),
      '[dev]\n# the dev account\n',
      'a comment inside keeps the section',
    );
    assert.equal(withoutKeyLines(`[dev]\n${keys}region = x\n`, new Set(['dev'])), '[dev]\nregion = x\n');
    assert.equal(
      withoutKeyLines(`[dev] # note\n${keys}`, new Set(['dev'])),
      '[dev] # note\n',
      'a header with a comment on its line stays',
    );
    assert.equal(
      withoutKeyLines(`[dev]\n${keys}[dev]\nregion = x\n`, new Set(['dev'])),
      '[dev]\nregion = x\n',
      'of a repeated section, only the emptied one goes',
    );
    assert.equal(
      withoutKeyLines('[dev]\n[prod]\nregion = x\n', new Set(['dev'])),
      '[dev]\n[prod]\nregion = x\n',
      "a section that was empty before is not import's to remove",
    );
  },
);

// Issue 20.8, read back by botocore: files both parsers read alike (no inline comments, no indentation, each
// section once), so botocore's reading of the result is known exactly: the imported keys gone, and the profile
// gone with them where its section held nothing else; every other profile and value as it was.
const plainLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom('aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'region', 'output'),
        space,
        space,
        value,
      )
      .map(([k, b, c, v]) => `${k}${b}=${c}${v}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('# a comment', '; another', '') },
);
const plainName = fc.constantFrom(...NAMES.filter((n) => !n.includes(' ')));
const keysOnly = fc
  .tuple(value, value, fc.constantFrom('', '\n', '\n\n'))
  .map(([id, secret, blank]) => [
    `aws_access_key_id = ${id}`,
    ...blank.split('\n').slice(1),
    `aws_secret_access_key = ${secret}`,
  ]);
const plainSection = fc.tuple(
  plainName,
  fc.oneof(fc.uniqueArray(plainLine, { maxLength: 5, selector: (l) => l.split('=')[0]?.trim() }), keysOnly),
);
const plainFile = fc
  .tuple(fc.uniqueArray(plainSection, { selector: ([n]) => n, maxLength: 5 }), fc.constantFrom('\n', '\r\n'))
  .map(([sections, eol]) =>
    sections.map(([n, lines]) => [`[${n}]`, ...lines].map((l) => `${l}${eol}`).join('')).join(''),
  );

test(
  'botocore reads the result exactly: imported keys gone, an emptied profile gone, all else kept',
  { skip: !botocore && 'needs python3-botocore' },
  async () => {
    let emptiedSeen = 0;
    await fc.assert(
      fc.asyncProperty(plainFile, fc.subarray(NAMES), async (text, chosen) => {
        const before = await botocoreRead(text);
        assert.ok(before, `botocore reads ${JSON.stringify(text)}`);
        const sdk = await sdkRead(text);
        const importable = new Set(chosen.filter((n) => sdk[n]));
        const result = withoutKeyLines(text, importable);
        const emptied = emptiedHeaders(
          text.split(/(?<=\n)/).filter((l) => l !== ''),
          importable,
        );
        emptiedSeen += emptied.size;
        const expected = structuredClone(before);
        for (const n of importable) {
          delete expected[n]?.aws_access_key_id;
          delete expected[n]?.aws_secret_access_key;
        }
        const emptiedNames = [...emptied].map((i) =>
          (HEADER_LINE.exec(text.split(/(?<=\n)/)[i] as string)?.[1] as string).trim(),
        );
        for (const n of emptiedNames) {
          assert.deepEqual(expected[n], {}, `an emptied section holds nothing for botocore: ${n}`);
          delete expected[n];
        }
        assert.deepEqual(await botocoreRead(result), expected);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert.ok(emptiedSeen > RUNS / 10, `emptied sections were generated (${emptiedSeen})`);
  },
);
