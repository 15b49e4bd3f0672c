// `tfmfa import` removes exactly the key lines of the imported profiles and keeps every other byte: a property
// test over generated credentials files (comments, CRLF and LF, blank lines, other profiles, sub-sections,
// session tokens, odd spacing), each result read back with the SDK's own INI loader.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import fc from 'fast-check';
import { withoutKeyLines } from '../../../src/keystore/aws-file-edit.ts';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261129);
const RUNS = Math.max(1, Math.round(150 * Number(process.env.FC_NUM_RUNS_SCALE ?? 1)));
const dir = mkdtempSync(join(tmpdir(), 'tfmfa-import-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['default', 'dev', 'prod', 'ci-bot', 'x.y', 'profile dev'];
const name = fc.constantFrom(...NAMES);
const value = fc.stringMatching(/^[A-Za-z0-9/+=]{1,24}$/);
const space = fc.constantFrom('', ' ', '  ', '\t');
const keyName = fc.constantFrom('aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'region', 'output', 'AWS_ACCESS_KEY_ID');

const line = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(space, name, space).map(([a, n, b]) => `${a}[${n}]${b}`) },
  { weight: 6, arbitrary: fc.tuple(space, keyName, space, space, value).map(([a, k, b, c, v]) => `${a}${k}${b}=${c}${v}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('#', ';'), fc.constantFrom(' aws_access_key_id = AKIACOMMENTED', ' note', '')).map(([c, t]) => `${c}${t}`) },
  { weight: 1, arbitrary: fc.tuple(keyName, value).map(([k, v]) => `${k} = ${v} # trailing comment`) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('s3 =', 'sts ='), keyName, value).map(([head, k, v]) => `${head}\n  ${k} = ${v}`) },
);
const file = fc.tuple(fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 30 }), fc.boolean())
  .map(([lines, finalNewline]) => {
    const text = lines.map(([l, eol]) => `${l.replace(/\n/g, eol)}${eol}`).join('');
    return finalNewline ? text : text.replace(/\r?\n$/, '');
  });

let counter = 0;
async function sdkRead(text: string): Promise<Record<string, Record<string, string>>> {
  const path = join(dir, `credentials-${counter++}`);
  writeFileSync(path, text);
  const { credentialsFile } = await loadSharedConfigFiles({ filepath: path, configFilepath: join(dir, 'none'), ignoreCache: true });
  rmSync(path);
  return credentialsFile as Record<string, Record<string, string>>;
}

function withoutEmpty(sections: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(sections).filter(([, keys]) => Object.keys(keys).length > 0));
}

let refused = 0;
let accepted = 0;

test('import keeps every byte but the imported profiles\' key lines (read back with the SDK)', async () => {
  await fc.assert(fc.asyncProperty(file, fc.subarray(NAMES), async (text, chosen) => {
    const before = await sdkRead(text);
    const importable = new Set(chosen.filter((n) => before[n]));
    let result: string;
    try {
      result = withoutKeyLines(text, importable);
    } catch (error) {
      // Refused only for a key line that closes an indented sub-section block (see aws-file-edit.ts).
      assert.match((error as Error).message, /it ends the indented block above it/);
      refused++;
      return;
    }
    accepted++;

    // 1. Only whole lines were removed, each a key line.
    const original = text.split(/(?<=\n)/).filter((l) => l !== '');
    const kept = result.split(/(?<=\n)/).filter((l) => l !== '');
    let i = 0;
    for (const l of kept) {
      while (i < original.length && original[i] !== l) {
        assert.match(original[i] as string, /^\s*aws_(access_key_id|secret_access_key)\s*=/, `removed a line that is not a key line: ${JSON.stringify(original[i])}`);
        i++;
      }
      assert.ok(i < original.length, 'the result is the original with lines removed');
      i++;
    }
    for (; i < original.length; i++) assert.match(original[i] as string, /^\s*aws_(access_key_id|secret_access_key)\s*=/);

    // 2. What the SDK reads: the same, minus exactly the imported profiles' two keys.
    const expected = structuredClone(before);
    for (const n of importable) {
      delete expected[n]?.aws_access_key_id;
      delete expected[n]?.aws_secret_access_key;
    }
    assert.deepEqual(withoutEmpty(await sdkRead(result)), withoutEmpty(expected));
  }), { seed: SEED, numRuns: RUNS });
  assert.ok(accepted > refused * 10, `mostly accepted (${accepted} accepted, ${refused} refused)`);
});

test('a key line that ends an indented block is refused, nothing else', () => {
  assert.throws(() => withoutKeyLines('[dev]\ns3 =\n  region = x\naws_access_key_id = A\n  aws_session_token = t\n', new Set(['dev'])), /ends the indented block/);
  assert.equal(withoutKeyLines('[dev]\ns3 =\n  region = x\nregion = y\naws_access_key_id = A\n', new Set(['dev'])), '[dev]\ns3 =\n  region = x\nregion = y\n');
});

test('a CRLF file with comments and other profiles: exact expected bytes', () => {
  const text = '# keys\r\n[dev]\r\naws_access_key_id = AKIADEV\r\naws_secret_access_key=secret ; c\r\nregion = eu-west-1\r\n\r\n[prod]\r\naws_access_key_id = AKIAPROD\r\naws_secret_access_key = s2\r\n';
  assert.equal(withoutKeyLines(text, new Set(['dev'])), '# keys\r\n[dev]\r\nregion = eu-west-1\r\n\r\n[prod]\r\naws_access_key_id = AKIAPROD\r\naws_secret_access_key = s2\r\n');
});
