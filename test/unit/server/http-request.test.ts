import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HEAD_LIMIT, parseHead, RequestHeadReader, type HeadOutcome } from '../../../src/server/http-request.ts';
import { responseBytes } from '../../../src/server/http-response.ts';

const GOOD =
  'GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:4321\r\nAuthorization: tok\r\nUser-Agent: ' +
  'aws-sdk-js/3\r\nAccept: */*\r\n\r\n';

function read(text: string | Buffer): HeadOutcome {
  return new RequestHeadReader().push(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
}

/** The outcome without object identity: what a test compares. */
function verdict(outcome: HeadOutcome): unknown {
  if (outcome.state === 'complete')
    return {
      state: 'complete',
      ...outcome.head,
      headers: [...outcome.head.headers],
      rest: outcome.rest.toString('latin1'),
    };
  return outcome;
}

function status(text: string | Buffer): number {
  const outcome = read(text);
  return outcome.state === 'invalid' ? outcome.status : outcome.state === 'complete' ? 200 : 0;
}

describe('request heads', () => {
  test('a well-formed GET: method, target, version and lower-case headers', () => {
    const outcome = read(GOOD);
    assert.equal(outcome.state, 'complete');
    if (outcome.state !== 'complete') return;
    assert.equal(outcome.head.method, 'GET');
    assert.equal(outcome.head.target, '/credentials');
    assert.equal(outcome.head.version, '1.1');
    assert.equal(outcome.head.headers.get('host'), '127.0.0.1:4321');
    assert.equal(outcome.head.headers.get('authorization'), 'tok');
    assert.equal(outcome.rest.length, 0);
    assert.equal(status('GET / HTTP/1.0\r\n\r\n'), 200, 'HTTP/1.0 without headers');
    assert.equal(status('GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n'), 200, 'an empty body is no body');
    assert.equal(status('GET / HTTP/1.1\r\nX-Empty:\r\nX-Tabs:\t v \t\r\n\r\n'), 200);
    const repeated = read('GET / HTTP/1.1\r\nAccept: a\r\naccept: b\r\n\r\n');
    assert.ok(repeated.state === 'complete' && repeated.head.headers.get('accept') === 'a, b');
  });

  test('an incomplete head waits; bytes after the head (a pipelined request) are handed back', () => {
    assert.equal(read(GOOD.slice(0, -1)).state, 'incomplete');
    assert.equal(
      read('GET / HTTP/1.1\r\nHost: x\r').state,
      'incomplete',
      'a CR at the end is judged with the next byte',
    );
    const outcome = read(`${GOOD}${GOOD}`);
    assert.ok(outcome.state === 'complete' && outcome.rest.toString('latin1') === GOOD);
  });

  test('malformed request lines: 400', () => {
    for (const line of [
      'GET /credentials',
      'GET  /credentials HTTP/1.1',
      'GET /credentials HTTP/1.1 ',
      ' GET /credentials HTTP/1.1',
      'GET /credentials HTTP/2.0',
      'GET /credentials HTTP/1.2',
      'GET /credentials http/1.1',
      'GET /cred entials HTTP/1.1',
      'G(T /credentials HTTP/1.1',
      'GET /credentials\tHTTP/1.1',
      'GET /cr\x7fed HTTP/1.1',
      'GET /cr\xe9d HTTP/1.1',
      '',
      'GET',
    ]) {
      assert.equal(status(`${line}\r\nHost: 127.0.0.1:1\r\n\r\n`), 400, JSON.stringify(line));
    }
    assert.equal(status('\r\nGET / HTTP/1.1\r\n\r\n'), 400, 'no empty line before the request line');
  });

  test('malformed header lines: 400 (obs-fold, no colon, space before colon, bad names, controls in values)', () => {
    for (const line of [
      'Host 127.0.0.1:1',
      ': value',
      'Host : 127.0.0.1:1',
      'Ho st: x',
      'Hóst: x',
      'X-A: \x00',
      'X-A: a\x01b',
      'X-A: a\x7fb',
      ' folded',
      '\tfolded',
      'X-A: a\rb',
      '(x): y',
    ]) {
      assert.equal(status(`GET / HTTP/1.1\r\nAccept: */*\r\n${line}\r\n\r\n`), 400, JSON.stringify(line));
    }
    assert.equal(status('GET / HTTP/1.1\r\nX-A: caf\xe9\r\n\r\n'), 200, 'obs-text in a value is a byte like another');
  });

  test('line endings: CRLF only; a bare LF or bare CR is refused as soon as it arrives', () => {
    assert.equal(status('GET / HTTP/1.1\nHost: x\n\n'), 400);
    assert.equal(status('GET / HTTP/1.1\r\nHost: x\n'), 400, 'judged before the head could end');
    assert.equal(status('GET / HTTP/1.1\rHost: x\r\n\r\n'), 400);
    assert.equal(status('GET / HTTP/1.1\r\nHost: x\r\r\n\r\n'), 400);
  });

  test('a second Host, Authorization or Content-Length: 400', () => {
    for (const name of ['Host', 'Authorization', 'authorization', 'Content-Length']) {
      const value = name === 'Content-Length' ? '0' : 'x';
      assert.equal(
        status(
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nAuthorization: t\r\nContent-Length: 0\r\n${name}: ${value}\r\n\r\n`,
        ),
        400,
        name,
      );
    }
  });

  test('a body: 400 (any Transfer-Encoding, a Content-Length above 0 or malformed)', () => {
    for (const header of [
      'Content-Length: 1',
      'Content-Length: 00',
      'Content-Length: -1',
      'Content-Length: 1e3',
      'Content-Length: 0, 0',
      'Content-Length:',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: identity',
      'transfer-encoding: gzip, chunked',
    ]) {
      assert.equal(status(`POST /credentials HTTP/1.1\r\nHost: 127.0.0.1:1\r\n${header}\r\n\r\nx`), 400, header);
    }
  });

  test(`a head over ${HEAD_LIMIT} bytes: 431, whether or not its end has come`, () => {
    const big = `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(HEAD_LIMIT)}\r\n`;
    assert.equal(status(big), 431, 'no end yet');
    assert.equal(status(`${big}\r\n`), 431);
    const many = `GET / HTTP/1.1\r\n${'X-A: b\r\n'.repeat(HEAD_LIMIT / 8)}\r\n`;
    assert.equal(status(many), 431);
    // Exactly at the limit is fine.
    const start = 'GET / HTTP/1.1\r\nX-Fit: ';
    assert.equal(status(`${start}${'a'.repeat(HEAD_LIMIT - start.length)}\r\n\r\n`), 200);
    assert.equal(status(`${start}${'a'.repeat(HEAD_LIMIT - start.length + 1)}\r\n\r\n`), 431);
  });

  test('header values lose their leading and trailing spaces and tabs, and only those', () => {
    const outcome = read(
      'GET /credentials HTTP/1.1\r\nHost: \t 127.0.0.1:4321 \t\r\nX-Inner: a \t b\r\nX-Empty: \t \r\n\r\n',
    );
    assert.equal(outcome.state, 'complete');
    if (outcome.state !== 'complete') return;
    assert.equal(outcome.head.headers.get('host'), '127.0.0.1:4321');
    assert.equal(outcome.head.headers.get('x-inner'), 'a \t b');
    assert.equal(outcome.head.headers.get('x-empty'), '');
  });

  test('a value that is a long run of spaces and then a letter is read in linear time (no token needed)', () => {
    const head = `GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:4321\r\nX: a${' '.repeat(HEAD_LIMIT - 60)}a\r\n\r\n`;
    const started = process.hrtime.bigint();
    for (let i = 0; i < 50; i++) assert.equal(read(head).state, 'complete');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // A backtracking trim took ~55 ms per head here (2.7 s for 50); a linear one well under 1 ms.
    assert.ok(ms < 500, `50 worst-case heads took ${ms.toFixed(0)} ms`);
  });

  test('parseHead reads a head without its terminator', () => {
    const outcome = parseHead(Buffer.from('GET /x HTTP/1.1\r\nHost: h'));
    assert.ok(outcome.state === 'complete' && outcome.head.headers.get('host') === 'h');
  });

  test('the reader is done after an outcome: later bytes change nothing', () => {
    const reader = new RequestHeadReader();
    const first = reader.push(Buffer.from('GET / HTTP/1.1\n'));
    assert.equal(first.state, 'invalid');
    assert.deepEqual(reader.push(Buffer.from('\r\n\r\n')), first);
  });
});

/** Well-formed header lines, and some that are not, to shuffle. */
const headerLine = fc.oneof(
  fc.constantFrom(
    'Host: 127.0.0.1:4321',
    'Authorization: tok',
    'Accept: */*',
    'User-Agent: Boto3/1.34',
    'Connection: keep-alive',
    'Content-Length: 0',
    'X-Amz-Date: 20260101T000000Z',
    'Accept-Encoding: identity',
  ),
  fc.constantFrom(
    'Host : x',
    ' folded',
    'X-A: \x00',
    'Transfer-Encoding: chunked',
    'Content-Length: 5',
    'X-A:\xe9\xff',
    'Bad Name: x',
    'X-B: a\nb',
    'X-C: a\rb',
  ),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/), fc.string({ unit: 'binary-ascii', maxLength: 20 }))
    .map(([name, value]) => `${name}: ${value}`),
);

/** A head of random lines, as bytes, sometimes with a pipelined request after it. */
const request = fc.record({
  line: fc.constantFrom(
    'GET /credentials HTTP/1.1',
    'HEAD /credentials HTTP/1.0',
    'POST /x HTTP/1.1',
    'GET /a b HTTP/1.1',
    'GET /credentials HTTP/2',
  ),
  headers: fc.array(headerLine, { maxLength: 12 }),
  rest: fc.constantFrom('', GOOD, 'garbage'),
});

function bytesOf(r: { line: string; headers: string[]; rest: string }): Buffer {
  return Buffer.from(`${[r.line, ...r.headers].join('\r\n')}\r\n\r\n${r.rest}`, 'latin1');
}

/** `bytes` cut at the given offsets, fed chunk by chunk; the outcome once the reader stops asking for more. */
function readInChunks(bytes: Buffer, cuts: number[]): HeadOutcome {
  const reader = new RequestHeadReader();
  const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  let outcome: HeadOutcome = { state: 'incomplete' };
  for (const to of [...offsets, bytes.length]) {
    outcome = reader.push(bytes.subarray(from, to));
    from = to;
    if (outcome.state !== 'incomplete') break;
  }
  return outcome;
}

describe('request heads under random packet boundaries and header orders', () => {
  test('any split into packets gives the verdict of the whole read, pipelined bytes included', () => {
    fc.assert(
      fc.property(request, fc.array(fc.nat(), { maxLength: 30 }), (r, cuts) => {
        const bytes = bytesOf(r);
        const whole = read(bytes);
        const split = readInChunks(bytes, cuts);
        if (whole.state === 'complete' && split.state === 'complete') {
          // The rest is what followed the head in the packet that completed it: together, the same bytes.
          assert.deepEqual(verdict({ ...split, rest: whole.rest }), verdict(whole));
          assert.ok(whole.rest.toString('latin1').startsWith(split.rest.toString('latin1')));
        } else {
          assert.deepEqual(verdict(split), verdict(whole));
        }
      }),
      { numRuns: 1500 },
    );
  });

  test('one byte at a time reads the same as one packet', () => {
    fc.assert(
      fc.property(request, (r) => {
        const bytes = bytesOf({ ...r, rest: '' });
        assert.deepEqual(
          verdict(
            readInChunks(
              bytes,
              Array.from({ length: bytes.length }, (_, i) => i),
            ),
          ),
          verdict(read(bytes)),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('the order of distinct header lines does not change the verdict', () => {
    fc.assert(
      fc.property(request, fc.nat(), (r, seed) => {
        // A value holding CRLF is two lines, or ends the head early (CRLF CRLF): its place then decides what is head.
        const unique = [...new Set(r.headers)].filter((line) => !line.includes('\r\n'));
        const shuffled = [...unique].sort((a, b) => hash(a, seed) - hash(b, seed) || a.localeCompare(b));
        const before = read(bytesOf({ ...r, headers: unique }));
        const after = read(bytesOf({ ...r, headers: shuffled }));
        assert.equal(after.state, before.state);
        if (before.state === 'invalid' && after.state === 'invalid') assert.equal(after.status, before.status);
        if (before.state === 'complete' && after.state === 'complete') {
          for (const name of ['host', 'authorization', 'content-length'])
            assert.equal(after.head.headers.get(name), before.head.headers.get(name));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}

describe('responses', () => {
  test('JSON with its exact length, no-store, Connection: close; HEAD gets the head only', () => {
    const bytes = responseBytes({ status: 405, body: { message: 'only GET — é' }, headers: { Allow: 'GET' } });
    const text = bytes.toString('utf8');
    const [head, body] = text.split('\r\n\r\n') as [string, string];
    assert.deepEqual(head.split('\r\n'), [
      'HTTP/1.1 405 Method Not Allowed',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'Connection: close',
      'Allow: GET',
    ]);
    assert.deepEqual(JSON.parse(body), { message: 'only GET — é' });
    const headOnly = responseBytes({ status: 405, body: { message: 'only GET — é' } }, { head: true }).toString('utf8');
    assert.ok(headOnly.endsWith('\r\n\r\n') && headOnly.includes(`Content-Length: ${Buffer.byteLength(body)}`));
    assert.throws(
      () => responseBytes({ status: 200, body: {}, headers: { 'X-A': 'a\r\nSet-Cookie: x' } }),
      /line break/,
    );
  });
});
