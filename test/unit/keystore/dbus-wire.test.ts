// tfmfa's D-Bus marshalling (the Secret Service import reads aws-vault's collection with it) against jeepney's,
// a second implementation (python3-jeepney, which python3-secretstorage brings): what tfmfa writes, jeepney
// reads back as the same value, and what jeepney writes, tfmfa reads back, for random values of the types the
// Secret Service calls use.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { WireReader, WireWriter } from '../../../src/keystore/aws-vault/dbus-wire.ts';
import { ROOT } from '../../support/sandbox.ts';

type Json = unknown;

const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'));
const path = fc.array(fc.stringMatching(/^[A-Za-z0-9_]{1,6}$/), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const bytes = fc.uint8Array({ maxLength: 20 }).map((array) => Buffer.from(array));
const variant = fc.oneof(
  text.map((value) => ({ signature: 's', value })),
  fc.nat({ max: 0xffffffff }).map((value) => ({ signature: 'u', value })),
  fc.array(text, { maxLength: 3 }).map((value) => ({ signature: 'as', value })),
);

/** [signature, tfmfa's value] pairs: the shapes of Hello, OpenSession, Properties.Get, GetSecret, header fields. */
const cases = fc.oneof(
  text.map((v) => ['s', v] as const),
  path.map((v) => ['o', v] as const),
  fc.nat({ max: 0xffffffff }).map((v) => ['u', v] as const),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((v) => ['i', v] as const),
  fc.boolean().map((v) => ['b', v] as const),
  fc.nat({ max: 255 }).map((v) => ['y', v] as const),
  bytes.map((v) => ['ay', v] as const),
  fc.array(path, { maxLength: 4 }).map((v) => ['ao', v] as const),
  fc.uniqueArray(fc.tuple(text, text), { maxLength: 4, selector: ([k]) => k }).map((v) => ['a{ss}', v] as const),
  fc.uniqueArray(fc.tuple(text, variant), { maxLength: 3, selector: ([k]) => k }).map((v) => ['a{sv}', v] as const),
  fc.tuple(path, bytes, bytes, text).map((v) => ['(oayays)', v] as const),
  fc.array(fc.tuple(fc.nat({ max: 255 }), variant), { maxLength: 4 }).map((v) => ['a(yv)', v] as const),
  fc.tuple(text, variant).map((v) => ['sv', v] as const),
);

/** tfmfa's value model in JSON (Buffers as {"bytes": hex}; a variant read back is its bare value). */
function toJson(value: unknown): Json {
  if (Buffer.isBuffer(value)) return { bytes: value.toString('hex') };
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object')
    return { ...(value as object), value: toJson((value as { value: unknown }).value) };
  return value;
}

/** The same value as it reads back: variants become their bare value. */
function readBack(signature: string, value: unknown): Json {
  if (signature === 'v') return toJson((value as { value: unknown }).value);
  if (signature === 'ay') return toJson(value);
  if (signature.startsWith('a{'))
    return (value as Array<[unknown, unknown]>).map(([k, v]) => [toJson(k), readBack(signature.slice(3, -1), v)]);
  if (signature.startsWith('a')) return (value as unknown[]).map((item) => readBack(signature.slice(1), item));
  if (signature.startsWith('(')) {
    const members = signature === '(oayays)' ? ['o', 'ay', 'ay', 's'] : ['y', 'v'];
    return (value as unknown[]).map((item, index) => readBack(members[index] as string, item));
  }
  return toJson(value);
}

const jeepney = spawnSync('/usr/bin/python3', ['-c', 'import jeepney']).status === 0;

test(
  'tfmfa and jeepney read each other’s D-Bus marshalling',
  { skip: jeepney ? false : 'python3-jeepney is not installed (.ci/run installs python3-secretstorage)' },
  () => {
    const samples = fc.sample(cases, 300);
    // 'sv' is a body of two values, not one type: jeepney gets it as the struct (sv), which marshals alike at offset 0.
    const jeepneySignature = (signature: string) => (signature === 'sv' ? '(sv)' : signature);
    const written = samples.map(([signature, value]) => {
      const writer = new WireWriter();
      if (signature === 'sv')
        (value as unknown[]).forEach((member, index) => writer.write(index === 0 ? 's' : 'v', member));
      else writer.write(signature, value);
      return writer.bytes();
    });
    const input = samples.map(([signature, value], index) => ({
      signature: jeepneySignature(signature),
      hex: (written[index] as Buffer).toString('hex'),
      value: toJson(value),
    }));
    const result = spawnSync('/usr/bin/python3', [join(ROOT, 'test', 'support', 'dbus-jeepney.py')], {
      input: JSON.stringify(input),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(result.status, 0, result.stderr);
    const answers = JSON.parse(result.stdout) as Array<{ parsed: Json; hex: string }>;
    samples.forEach(([signature, value], index) => {
      const answer = answers[index] as { parsed: Json; hex: string };
      assert.deepEqual(answer.parsed, toJson(value), `jeepney reads what tfmfa wrote for ${signature}`);
      assert.equal(
        answer.hex,
        (written[index] as Buffer).toString('hex'),
        `the same bytes as jeepney for ${signature}`,
      );
      const reader = new WireReader(Buffer.from(answer.hex, 'hex'), true);
      const read = signature === 'sv' ? [reader.read('s'), reader.read('v')] : reader.read(signature);
      const expected =
        signature === 'sv'
          ? [toJson((value as unknown[])[0]), readBack('v', (value as unknown[])[1])]
          : readBack(signature, value);
      assert.deepEqual(toJson(read), expected, `tfmfa reads what jeepney wrote for ${signature}`);
    });
  },
);
