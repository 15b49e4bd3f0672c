/**
 * Issue 21.9: a connection flood from another local user. While a bounded flood (19,000 connections to
 * 127.0.0.1 only, each sending an unfinished request head, held open, all within 20 s; it stops by itself) runs
 * as uid nobody, the credential server's parent stays under 100 MB of RSS (VmRSS from /proc/PID/status) and
 * every request of the child succeeds. Needs root (to flood as nobody).
 */
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createSandboxWithSession, type Sandbox } from '../support/sandbox.ts';

const SETPRIV = '/usr/bin/setpriv';
const PYTHON = '/usr/bin/python3';
const RSS_LIMIT_KB = 100 * 1024;
const FLOOD_CONNECTIONS = 19_000;
const skip =
  process.platform !== 'linux'
    ? 'Linux only (/proc/PID/status)'
    : process.getuid?.() !== 0
      ? 'needs root, to flood as another user (nobody)'
      : !existsSync(SETPRIV) || !existsSync(PYTHON)
        ? 'needs setpriv (util-linux) and /usr/bin/python3'
        : false;

/**
 * The child: asks the server every 200 ms for CHILD_SECONDS, each ask as botocore does it (2 s timeout, up to
 * 3 attempts); prints READY when its first ask succeeded, then RESULT with every ask's outcome.
 */
const CHILD = String.raw`
import http from 'node:http';
const url = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
const seconds = Number(process.argv[2]);
function once() {
  return new Promise((resolve) => {
    const started = Date.now();
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN },
      agent: false,
      timeout: 2000,
    }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({
        status: res.statusCode,
        ok: res.statusCode === 200 && body.includes('AccessKeyId'),
        ms: Date.now() - started,
      }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.message, ms: Date.now() - started }));
    req.end();
  });
}
async function ask() {
  const tries = [];
  for (let i = 0; i < 3; i++) {
    const r = await once();
    tries.push(r);
    if (r.ok) break;
  }
  return { at: Date.now(), ok: tries.at(-1).ok, tries };
}
const first = await ask();
process.stdout.write('READY ' + process.pid + '\n');
const asks = [first];
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  asks.push(await ask());
  await new Promise((r) => setTimeout(r, 200));
}
process.stdout.write('RESULT ' + JSON.stringify(asks) + '\n');
`;

/** The flood: up to COUNT connections to 127.0.0.1:PORT, an unfinished head on each, held; gone after SECONDS. */
const FLOOD = String.raw`
import json, resource, selectors, socket, sys, time
port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
end = time.time() + seconds
sel = selectors.DefaultSelector()
opened = connected = failed = 0
held = []
while time.time() < end and (opened < count or len(sel.get_map()) > 0):
    while opened < count and len(sel.get_map()) < 2000 and time.time() < end:
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect_ex(("127.0.0.1", port))
        except OSError:
            s.close(); failed += 1; break
        opened += 1
        sel.register(s, selectors.EVENT_WRITE)
    for key, _ in sel.select(timeout=0.05):
        s = key.fileobj
        sel.unregister(s)
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            connected += 1
            try:
                s.send(b"GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:" + str(port).encode() + b"\r\n")
            except OSError:
                pass
            held.append(s)
        else:
            failed += 1; s.close()
while time.time() < end:
    time.sleep(0.1)
for s in held:
    s.close()
print(json.dumps({"opened": opened, "connected": connected, "failed": failed}))
`;

let box: Sandbox;
before(async () => {
  if (skip) return;
  box = await createSandboxWithSession();
});
after(async () => {
  if (!skip) await box.cleanup();
});

function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

test(
  'a flood of connections from another user: the server stays under 100 MB and the child is answered throughout',
  { skip, timeout: 90_000 },
  async () => {
    const child = join(box.dir, 'flood-child.mjs');
    writeFileSync(child, CHILD);
    const run = box.tfmfa(['exec', '--server', 'GEHC-056', '--', process.execPath, child, '24'], {
      detached: true,
      env: { ...box.env, TFMFA_MIN_TTL: '60', TFMFA_DEBUG: '1' },
    });
    const pid = run.pid as number;
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const stdout = (run as unknown as { stdout: NodeJS.ReadableStream }).stdout;
        stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('READY')) resolve();
        });
        void run.then(() => reject(new Error(`tfmfa ended before READY: ${out}`)));
      });
      const before = rssKb(pid);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(rssKb(pid)), 100);
      const floodStart = Date.now();
      const flood = await execa(
        SETPRIV,
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          PYTHON,
          '-c',
          FLOOD,
          String(portOf(pid)),
          String(FLOOD_CONNECTIONS),
          '20',
        ],
        { reject: false, timeout: 60_000 },
      );
      const floodEnd = Date.now();
      const result = await run;
      clearInterval(sampler);
      assert.equal(flood.exitCode, 0, flood.stderr);
      const counts = JSON.parse(flood.stdout) as { opened: number; connected: number; failed: number };
      const asks = (JSON.parse(/RESULT (.*)$/m.exec(String(result.stdout))?.[1] ?? 'null') ?? []) as Array<{
        at: number;
        ok: boolean;
        tries: unknown[];
      }>;
      const during = asks.filter((ask) => ask.at > floodStart + 1000 && ask.at < floodEnd);
      const peak = Math.max(...samples);
      process.stdout.write(
        `# RSS before the flood ${(before / 1024).toFixed(1)} MB, peak during it ${(peak / 1024).toFixed(1)} ` +
          `MB; flood ${JSON.stringify(counts)} in ${floodEnd - floodStart} ms; ${during.length} asks during ` +
          `it, ${asks.filter((ask) => !ask.ok).length} failed\n`,
      );
      assert.ok(counts.connected >= 10_000, `the flood reached the server: ${JSON.stringify(counts)}`);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.ok(during.length >= 5, `the child asked during the flood (${during.length} times)`);
      assert.deepEqual(
        asks.filter((ask) => !ask.ok),
        [],
        'every ask of the child succeeded',
      );
      assert.match(
        String(result.stderr),
        /credential server: uid 65534 holds 16 connections: the rest are dropped/,
        "the per-user cap found the flood's owner",
      );
      assert.ok(
        peak < RSS_LIMIT_KB,
        `peak RSS ${(peak / 1024).toFixed(1)} MB during the flood (limit 100 MB; ${(before / 1024).toFixed(1)} ` +
          `MB before)`,
      );
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ended already
      }
    }
  },
);

/** The port tfmfa listens on, from the child's environment (the only listener tfmfa has). */
function portOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  for (const childPid of children) {
    const environ = readFileSync(`/proc/${childPid}/environ`, 'utf8').split('\0');
    const uri = environ.find((entry) => entry.startsWith('AWS_CONTAINER_CREDENTIALS_FULL_URI='));
    if (uri) return Number(new URL(uri.split('=')[1] as string).port);
  }
  throw new Error('no child with the endpoint');
}
