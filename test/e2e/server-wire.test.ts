/**
 * The credential server's HTTP on the wire: raw sockets sending what no SDK sends (heads one byte at a time, too
 * big, with bodies, pipelined, never finished), and independent readers of its answers: Python's http.client and
 * botocore's ContainerMetadataFetcher (the AWS CLI's own container provider), and the JS SDK's two providers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fromContainerMetadata, fromHttp } from '@aws-sdk/credential-providers';
import { startCredentialServer, type CredentialServer } from '../../src/server/credential-server.ts';
import { HEAD_LIMIT } from '../../src/server/http-request.ts';
import { DEBIAN_PYTHON, hasBotocore } from '../support/botocore.ts';
import { portRefuses } from '../support/ports.ts';

const TOKEN = 'wire-test-token-0123456789';
const EXPIRATION = new Date(Date.now() + 3600_000);
const LIMITS = { headTimeoutMs: 400, answerTimeoutMs: 5_000, lingerMs: 500 };

interface Exchange {
  /** Everything the server sent before the connection ended. */
  text: string;
  /** How it ended: the server closed it (FIN), reset it, or the test gave up waiting. */
  ended: 'closed' | 'reset' | 'timeout';
  ms: number;
}

/** Sends `chunks` (pausing `pauseMs` between them), then reads until the server closes the connection. */
function exchange(
  port: number,
  chunks: Array<string | Buffer>,
  options: { pauseMs?: number; halfClose?: boolean; waitMs?: number } = {},
): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let done = false;
    const finish = (ended: Exchange['ended']) => {
      if (done) return;
      done = true;
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), ended, ms: Date.now() - started });
    };
    const giveUp = setTimeout(() => finish('timeout'), options.waitMs ?? 5_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('end', () => finish('closed'));
    socket.on('error', () => finish('reset'));
    socket.on('connect', async () => {
      for (const [index, chunk] of chunks.entries()) {
        if (socket.destroyed) return;
        if (index > 0 && options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
        socket.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
      }
      if (options.halfClose) socket.end();
    });
  });
}

function headOf(port: number, lines: string[] = []): string {
  return (
    [`GET /credentials HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: ${TOKEN}`, ...lines].join('\r\n') +
    '\r\n\r\n'
  );
}

/** Status, lower-case headers and body of one response; `extra` is whatever came after it. */
function parseResponse(text: string): { status: number; headers: Record<string, string>; body: string } {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n') as [string, ...string[]];
  const match = /^HTTP\/1\.1 (\d{3}) [A-Za-z ]+$/.exec(statusLine);
  assert.ok(match, statusLine);
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const body = text.slice(end + 4);
  assert.equal(
    Number(headers['content-length']),
    Buffer.byteLength(body, 'latin1'),
    'Content-Length is the body, and nothing follows it',
  );
  return { status: Number(match[1]), headers, body };
}

describe('the credential server on the wire', () => {
  let server: CredentialServer;
  let answers = 0;
  let hold: Promise<void> | undefined;
  before(async () => {
    server = await startCredentialServer({
      token: TOKEN,
      limits: LIMITS,
      credentials: async () => {
        answers++;
        if (hold) await hold;
        return {
          accessKeyId: 'ASIAWIRE',
          secretAccessKey: 'wire-secret',
          sessionToken: 'wire-session',
          expiration: EXPIRATION,
        };
      },
    });
  });
  after(() => server.close());

  test('a head arriving one byte at a time is answered like one in one packet', async () => {
    const head = headOf(server.port);
    const whole = await exchange(server.port, [head]);
    const bytes = await exchange(server.port, [...head], { pauseMs: 1 });
    assert.equal(bytes.ended, 'closed');
    assert.deepEqual(parseResponse(bytes.text), parseResponse(whole.text));
    const response = parseResponse(whole.text);
    assert.equal(response.status, 200);
    assert.deepEqual(response.headers, {
      'content-type': 'application/json',
      'content-length': String(response.body.length),
      'cache-control': 'no-store',
      connection: 'close',
    });
    assert.deepEqual(JSON.parse(response.body), {
      AccessKeyId: 'ASIAWIRE',
      SecretAccessKey: 'wire-secret',
      Token: 'wire-session',
      Expiration: EXPIRATION.toISOString(),
    });
  });

  test(
    'refused before any credential is looked up: too big (431), a body, a bad request line, ' +
      'non-ASCII, bare LF (400); then closed',
    async () => {
      const before = answers;
      const cases: Array<[string, Array<string | Buffer>, number]> = [
        [
          'oversized head',
          [`GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Pad: ${'a'.repeat(HEAD_LIMIT)}\r\n\r\n`],
          431,
        ],
        ['oversized head, never ended', [`GET /credentials HTTP/1.1\r\nX-Pad: ${'a'.repeat(HEAD_LIMIT + 10)}`], 431],
        ['Content-Length body', [headOf(server.port, ['Content-Length: 4']).replace(/\r\n\r\n$/, '\r\n\r\nbody')], 400],
        ['chunked body', [headOf(server.port, ['Transfer-Encoding: chunked']) + '4\r\nbody\r\n0\r\n\r\n'], 400],
        [
          'bad request line',
          [`GET  /credentials HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: ${TOKEN}\r\n\r\n`],
          400,
        ],
        ['HTTP/2 preface', ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'], 400],
        [
          'non-ASCII target',
          [
            Buffer.concat([
              Buffer.from('GET /cred'),
              Buffer.from([0xc3, 0xa9, 0xff]),
              Buffer.from(`entials HTTP/1.1\r\nAuthorization: ${TOKEN}\r\n\r\n`),
            ]),
          ],
          400,
        ],
        ['NUL in a value', [headOf(server.port, ['X-A: a\x00b'])], 400],
        ['obs-fold', [headOf(server.port, ['X-A: a', ' b'])], 400],
        ['second Authorization', [headOf(server.port, [`Authorization: ${TOKEN}`])], 400],
        ['bare LF', [`GET /credentials HTTP/1.1\nHost: 127.0.0.1:${server.port}\n\n`], 400],
        ['TLS client hello', [Buffer.from('16030100a5010000a10303', 'hex')], 400],
      ];
      for (const [name, chunks, status] of cases) {
        const result = await exchange(server.port, chunks);
        assert.equal(result.ended, 'closed', name);
        assert.ok(result.text.startsWith('HTTP/1.1 '), `${name}: ${result.ended}`);
        const response = parseResponse(result.text);
        assert.equal(response.status, status, name);
        assert.equal(JSON.parse(response.body).code, 'InvalidRequest', name);
        assert.ok(!response.body.includes(TOKEN) && !response.body.includes('ASIAWIRE'), name);
      }
      assert.equal(answers, before, 'no credential lookup for a malformed request');
    },
  );

  test('non-ASCII bytes in the token are a wrong token (403), not an error', async () => {
    const result = await exchange(server.port, [
      Buffer.concat([
        Buffer.from(`GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: ${TOKEN}`),
        Buffer.from([0xe9]),
        Buffer.from('\r\n\r\n'),
      ]),
    ]);
    assert.equal(parseResponse(result.text).status, 403);
  });

  test('pipelined requests: one answer, then the connection closes (Connection: close)', async () => {
    const head = headOf(server.port);
    const result = await exchange(server.port, [head + head + head]);
    assert.equal(result.ended, 'closed');
    const response = parseResponse(result.text);
    assert.equal(response.status, 200);
    assert.equal(response.headers.connection, 'close');
    assert.equal(result.text.split('HTTP/1.1 ').length - 1, 1, 'exactly one response');
  });

  test('HEAD and POST: 405 with Allow: GET (HEAD without a body)', async () => {
    const head = await exchange(server.port, [headOf(server.port).replace(/^GET/, 'HEAD')]);
    const headText = head.text;
    assert.ok(headText.endsWith('\r\n\r\n'), 'no body after the head');
    assert.match(headText, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.match(headText, /\r\nAllow: GET\r\n/);
    const post = parseResponse(
      (await exchange(server.port, [headOf(server.port, ['Content-Length: 0']).replace(/^GET/, 'POST')])).text,
    );
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET');
  });

  test('a client that half-closes after its request still gets its answer', async () => {
    const result = await exchange(server.port, [headOf(server.port)], { halfClose: true });
    assert.equal(parseResponse(result.text).status, 200);
  });

  test(
    'slow clients are cut off without an answer: a head never finished, one dripping in, or ' + 'nothing at all',
    async () => {
      for (const [chunks, pauseMs] of [
        [[headOf(server.port).slice(0, 30)], 0],
        [[...headOf(server.port).slice(0, 60)], 50],
        [[], 0],
      ] as const) {
        const result = await exchange(server.port, [...chunks], { pauseMs, waitMs: 3_000 });
        assert.notEqual(result.ended, 'timeout', 'the server ended it');
        assert.equal(result.text, '', 'no answer to half a head');
        assert.ok(
          result.ms >= LIMITS.headTimeoutMs - 50 && result.ms < LIMITS.headTimeoutMs + 1_500,
          `${result.ms} ms`,
        );
      }
    },
  );

  test('500 concurrent requests are all answered', async () => {
    const results = await Promise.all(
      Array.from({ length: 500 }, () =>
        fetch(server.url, { headers: { Authorization: TOKEN } }).then(async (r) => [
          r.status,
          ((await r.json()) as { AccessKeyId: string }).AccessKeyId,
        ]),
      ),
    );
    assert.deepEqual(new Set(results.map((r) => r.join(' '))), new Set(['200 ASIAWIRE']));
  });

  test('the JS SDK v3 providers fromContainerMetadata and fromHttp read the answer', async () => {
    const saved = { ...process.env };
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = server.url;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = TOKEN;
      for (const provider of [fromContainerMetadata(), fromHttp({})]) {
        const credentials = await provider();
        assert.equal(credentials.accessKeyId, 'ASIAWIRE');
        assert.equal(credentials.sessionToken, 'wire-session');
        assert.equal(credentials.expiration?.toISOString(), EXPIRATION.toISOString());
      }
    } finally {
      for (const key of ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  test(
    "Python's http.client and botocore's ContainerMetadataFetcher read the answers",
    { skip: !hasBotocore() && 'no python3-botocore' },
    async () => {
      const script = String.raw`
import http.client, json, sys
from botocore.utils import ContainerMetadataFetcher
port, token, url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
for name, method, headers in [('ok', 'GET', {'Authorization': token}), ('no-token', 'GET', {}),
                              ('head', 'HEAD', {'Authorization': token}), ('post', 'POST', {'Authorization': token})]:
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    c.request(method, '/credentials', headers=headers)
    r = c.getresponse()
    body = r.read()
    out[name] = {'status': r.status, 'type': r.getheader('Content-Type'), 'cache': r.getheader('Cache-Control'),
                 'allow': r.getheader('Allow'), 'will_close': r.will_close,
                 'length': int(r.getheader('Content-Length')), 'read': len(body),
                 'json': json.loads(body) if body else None}
    c.close()
out['botocore'] = ContainerMetadataFetcher().retrieve_full_uri(url, headers={'Authorization': token})
print(json.dumps(out))
`;
      // Asynchronously: the server answers from this process.
      const result = await promisify(execFile)(DEBIAN_PYTHON, ['-c', script, String(server.port), TOKEN, server.url], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      const out = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
      assert.equal(out.ok?.status, 200);
      assert.equal(out.ok?.type, 'application/json');
      assert.equal(out.ok?.cache, 'no-store');
      assert.equal(out.ok?.will_close, true);
      assert.equal(out.ok?.read, out.ok?.length);
      assert.equal((out.ok?.json as Record<string, string>).AccessKeyId, 'ASIAWIRE');
      assert.equal(out['no-token']?.status, 401);
      assert.equal(out.head?.status, 405);
      assert.equal(out.head?.allow, 'GET');
      assert.equal(out.head?.read, 0, 'http.client reads no body after HEAD');
      assert.equal(out.post?.status, 405);
      assert.deepEqual(out.botocore, {
        AccessKeyId: 'ASIAWIRE',
        SecretAccessKey: 'wire-secret',
        Token: 'wire-session',
        Expiration: EXPIRATION.toISOString(),
      });
    },
  );
});

describe('closing the credential server', () => {
  test('close() stops listening and drops every connection: mid-head, and waiting for credentials', async () => {
    let release: () => void = () => undefined;
    const server = await startCredentialServer({
      token: TOKEN,
      credentials: async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { accessKeyId: 'ASIALATE', secretAccessKey: 's' };
      },
    });
    const waiting = exchange(server.port, [headOf(server.port)], { waitMs: 5_000 });
    const midHead = exchange(server.port, [headOf(server.port).slice(0, 20)], { waitMs: 5_000 });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await server.close();
    const [a, b] = await Promise.all([waiting, midHead]);
    assert.ok(Date.now() - started < 1_000, 'close() does not wait for its connections');
    for (const result of [a, b]) {
      assert.notEqual(result.ended, 'timeout');
      assert.equal(result.text, '');
    }
    release();
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(await portRefuses(server.port));
  });
});
