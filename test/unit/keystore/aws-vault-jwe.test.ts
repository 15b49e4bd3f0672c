// The aws-vault JWE reader against tokens made by jwcrypto (python3-jwcrypto), another JOSE implementation:
// what aws-vault writes opens; every other algorithm, every malformed or altered part is refused with its reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decryptAwsVaultJwe,
  JweFormatError,
  JweIntegrityError,
  JwePassphraseError,
} from '../../../src/keystore/aws-vault/jwe.ts';

const PASSPHRASE = 'pässphrase with ünïcode';

/** Compact JWEs of `payload` made by jwcrypto, one per [alg, enc, extra protected header] given. */
function jwcrypto(payload: string, variants: Array<[string, string, Record<string, unknown>?]>): string[] {
  const script = `
import json, sys
from jwcrypto import jwe, jwk
spec = json.load(sys.stdin)
key = jwk.JWK.from_password(spec["passphrase"])
out = []
for alg, enc, extra in spec["variants"]:
    header = dict({"alg": alg, "enc": enc}, **(extra or {}))
    token = jwe.JWE(spec["payload"].encode(), protected=json.dumps(header))
    token.add_recipient(key)
    out.append(token.serialize(compact=True))
print(json.dumps(out))
`;
  const result = spawnSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify({
      passphrase: PASSPHRASE,
      payload,
      variants: variants.map(([a, e, x]) => [a, e, x ?? null]),
    }),
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

function reheader(token: string, change: (header: Record<string, unknown>) => void): string {
  const [header, ...rest] = token.split('.');
  const parsed = JSON.parse(Buffer.from(header as string, 'base64url').toString()) as Record<string, unknown>;
  change(parsed);
  return [Buffer.from(JSON.stringify(parsed)).toString('base64url'), ...rest].join('.');
}

const available = spawnSync('/usr/bin/python3', ['-c', 'import jwcrypto']).status === 0;

describe(
  'aws-vault JWE (PBES2-HS256+A128KW, A256GCM)',
  { skip: available ? false : 'python3-jwcrypto is not installed (.ci/run installs it)' },
  () => {
    let good: string;
    let otherAlg: string;
    let otherEnc: string;
    let compressed: string;
    before(() => {
      [good, otherAlg, otherEnc, compressed] = jwcrypto('{"Key":"dev","Data":"e30="}', [
        ['PBES2-HS256+A128KW', 'A256GCM', { created: '2026-12-07' }],
        ['PBES2-HS512+A256KW', 'A256GCM'],
        ['PBES2-HS256+A128KW', 'A128CBC-HS256'],
        ['PBES2-HS256+A128KW', 'A256GCM', { zip: 'DEF' }],
      ]) as [string, string, string, string];
    });

    test('opens what another implementation wrote', async () => {
      assert.equal((await decryptAwsVaultJwe(good, PASSPHRASE)).toString(), '{"Key":"dev","Data":"e30="}');
      assert.equal(
        (await decryptAwsVaultJwe(`${good}\n`, PASSPHRASE)).toString(),
        '{"Key":"dev","Data":"e30="}',
        'a trailing newline is not a change',
      );
    });

    test('a wrong passphrase fails at the key unwrap', async () => {
      await assert.rejects(decryptAwsVaultJwe(good, `${PASSPHRASE}x`), JwePassphraseError);
      await assert.rejects(decryptAwsVaultJwe(good, ''), JwePassphraseError);
    });

    test('other algorithms, compression and critical extensions are refused before any work', async () => {
      await assert.rejects(decryptAwsVaultJwe(otherAlg, PASSPHRASE), {
        name: 'Error',
        message: /its alg is "PBES2-HS512\+A256KW", not PBES2-HS256\+A128KW/,
      });
      await assert.rejects(decryptAwsVaultJwe(otherEnc, PASSPHRASE), {
        message: /its enc is "A128CBC-HS256", not A256GCM/,
      });
      await assert.rejects(decryptAwsVaultJwe(compressed, PASSPHRASE), { message: /compressed/ });
      await assert.rejects(
        decryptAwsVaultJwe(
          reheader(good, (h) => {
            h.alg = 'dir';
          }),
          PASSPHRASE,
        ),
        JweFormatError,
      );
      await assert.rejects(
        decryptAwsVaultJwe(
          reheader(good, (h) => {
            h.crit = ['x'];
          }),
          PASSPHRASE,
        ),
        { message: /critical/ },
      );
    });

    test('a PBKDF2 count out of range or not an integer is refused (a hostile file cannot ask for hours)', async () => {
      for (const p2c of [999, 1_000_001, 1e12, 8192.5, '8192', null]) {
        await assert.rejects(
          decryptAwsVaultJwe(
            reheader(good, (h) => {
              h.p2c = p2c;
            }),
            PASSPHRASE,
          ),
          { message: /p2c/ },
          String(p2c),
        );
      }
      await assert.rejects(
        decryptAwsVaultJwe(
          reheader(good, (h) => {
            delete h.p2s;
          }),
          PASSPHRASE,
        ),
        { message: /no salt/ },
      );
      await assert.rejects(
        decryptAwsVaultJwe(
          reheader(good, (h) => {
            h.p2s = 'AAAA';
          }),
          PASSPHRASE,
        ),
        { message: /salt \(p2s\) is 3 bytes/ },
      );
    });

    test('a header changed within the rules fails authentication (the header is the additional data)', async () => {
      await assert.rejects(
        decryptAwsVaultJwe(
          reheader(good, (h) => {
            h.created = 'later';
          }),
          PASSPHRASE,
        ),
        JweIntegrityError,
      );
    });

    test('truncated: any prefix of the token is refused, never decrypted', async () => {
      for (const cut of [0, 10, good.indexOf('.') + 1, good.lastIndexOf('.'), good.length - 1]) {
        await assert.rejects(
          decryptAwsVaultJwe(good.slice(0, cut), PASSPHRASE),
          (error: Error) => error instanceof JweFormatError || error instanceof JweIntegrityError,
          String(cut),
        );
      }
    });

    test('property: changing any one character of the encrypted key, IV, ciphertext or tag is refused', async () => {
      const start = good.indexOf('.') + 1;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: start, max: good.length - 1 }),
          fc.integer({ min: 1, max: 63 }),
          async (at, shift) => {
            const char = good[at] as string;
            if (char === '.') return;
            const replaced = alphabet[(alphabet.indexOf(char) + shift) % 64] as string;
            const changed = `${good.slice(0, at)}${replaced}${good.slice(at + 1)}`;
            let opened: Buffer | undefined;
            try {
              opened = await decryptAwsVaultJwe(changed, PASSPHRASE);
            } catch (error) {
              assert.ok(
                error instanceof JweFormatError ||
                  error instanceof JweIntegrityError ||
                  error instanceof JwePassphraseError,
                String(error),
              );
              return;
            }
            // It opened: only possible when the change decodes to the same bytes (the unused bits of a part's last
            // base64url character), so that nothing was changed at all.
            assert.equal(opened.toString(), '{"Key":"dev","Data":"e30="}');
            const same = changed
              .split('.')
              .every((part, index) =>
                Buffer.from(part, 'base64url').equals(Buffer.from(good.split('.')[index] as string, 'base64url')),
              );
            assert.ok(same, `a changed token opened: position ${at}`);
          },
        ),
        { numRuns: 60 },
      );
    });
  },
);
