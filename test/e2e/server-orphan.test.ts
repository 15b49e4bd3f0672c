/**
 * Issue 21.7: the command of `exec --server` (and its children) must not outlive the credential server unnoticed.
 * tfmfa is killed with SIGKILL (what OOM does); then:
 *  - the command (tfmfa's child) is gone: on Linux it has a parent-death signal (setpriv --pdeathsig TERM);
 *  - a grandchild, which no parent-death signal reaches, keeps asking the endpoint, and another local user
 *    (uid nobody) tries to take over the port: it cannot bind it (the command's tree holds the listening socket),
 *    so the token never reaches it and the grandchild is never served. See docs/security-long-runs.md.
 * Needs root (to run the listener as nobody) and setpriv (util-linux).
 */
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createSandboxWithSession, type Sandbox } from '../support/sandbox.ts';

const SETPRIV = '/usr/bin/setpriv';
const PYTHON = '/usr/bin/python3';
const isRoot = process.getuid?.() === 0;
const skip =
  process.platform !== 'linux'
    ? 'Linux only (parent-death signal, /proc)'
    : !isRoot
      ? 'needs root, to listen as another user (nobody)'
      : !existsSync(SETPRIV)
        ? 'needs setpriv (util-linux)'
        : !existsSync(PYTHON)
          ? "needs /usr/bin/python3 (the other user's listener)"
          : false;

/** Asks the endpoint every 200 ms (1 s timeout each), one JSON line per attempt in $STATE/asks. */
const ASKER = String.raw`
import http from 'node:http';
import { appendFileSync } from 'node:fs';
const url = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
const log = process.argv[2];
function ask() {
  const req = http.request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN },
    agent: false,
    timeout: 1000,
  }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => appendFileSync(log, JSON.stringify({ at: Date.now(), status: res.statusCode, body }) + '\n'));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => appendFileSync(log, JSON.stringify({ at: Date.now(), status: 0, error: e.message }) + '\n'));
  req.end();
}
setInterval(ask, 200);
ask();
`;

/** The other user: tries to bind 127.0.0.1:PORT for SECONDS; prints what it got as JSON. */
const LISTENER = String.raw`
import json, socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + seconds
bound, received, errors = False, b"", set()
srv = None
while time.time() < end and not bound:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port)); s.listen(16); srv = s; bound = True
    except OSError as e:
        errors.add(e.strerror); s.close(); time.sleep(0.05)
if srv:
    srv.settimeout(0.2)
    while time.time() < end:
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        c.settimeout(0.5)
        try:
            received += c.recv(65536)
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n'
                      b'{"AccessKeyId":"AKIAATTACKER","SecretAccessKey":"x",'
                      b'"Token":"y","Expiration":"2099-01-01T00:00:00Z"}')
        except OSError:
            pass
        c.close()
print(json.dumps({"bound": bound, "received": received.decode("latin1"), "errors": sorted(errors)}))
`;

let box: Sandbox;
before(async () => {
  if (skip) return;
  box = await createSandboxWithSession();
});
after(async () => {
  if (!skip) await box.cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

test(
  'tfmfa killed with SIGKILL: its command is gone, and no other user can serve (or read the token of) what is left',
  { skip },
  async () => {
    const state = join(box.dir, 'orphan');
    const asker = join(box.dir, 'asker.mjs');
    const command = join(box.dir, 'command.sh');
    writeFileSync(asker, ASKER);
    // The command: records its pid, URI and token, starts a grandchild that keeps asking, and waits.
    writeFileSync(
      command,
      `#!/bin/sh
printf '%s' "$AWS_CONTAINER_AUTHORIZATION_TOKEN" >'${state}.token'
'${process.execPath}' '${asker}' '${state}.asks' &
echo $! >'${state}.grandchild'
printf '%s %s\\n' "$$" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" >'${state}.command'
wait
`,
      { mode: 0o755 },
    );
    // No pipes: the command's tree would hold them open after tfmfa's death.
    const run = box.tfmfa(['exec', '--server', 'GEHC-056', '--', command], {
      detached: true,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
    });
    const tfmfaPid = run.pid as number;
    let grandchild = 0;
    try {
      assert.ok(
        await until(() => existsSync(`${state}.command`) && existsSync(`${state}.asks`), 15_000),
        'the command started and asked',
      );
      const [commandPid, uri] = readFileSync(`${state}.command`, 'utf8').trim().split(' ') as [string, string];
      grandchild = Number(readFileSync(`${state}.grandchild`, 'utf8'));
      const token = readFileSync(`${state}.token`, 'utf8');
      const port = Number(new URL(uri).port);
      assert.ok(token.length >= 43 && port > 0);
      const served = readFileSync(`${state}.asks`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { status: number });
      assert.equal(served[0]?.status, 200, 'served while tfmfa lives');

      process.kill(tfmfaPid, 'SIGKILL');
      const ended = await run;
      assert.equal(ended.signal, 'SIGKILL');
      const killedAt = Date.now();

      assert.ok(await until(() => !alive(Number(commandPid)), 5000), 'the command did not outlive tfmfa');
      assert.ok(alive(grandchild), 'the grandchild (no parent-death signal reaches it) still runs and asks');

      // Another user tries to take the port over while the grandchild keeps asking.
      const other = await execa(
        SETPRIV,
        ['--reuid=65534', '--regid=65534', '--clear-groups', PYTHON, '-c', LISTENER, String(port), '3'],
        { reject: false, timeout: 15_000 },
      );
      assert.equal(other.exitCode, 0, other.stderr);
      const got = JSON.parse(other.stdout) as { bound: boolean; received: string; errors: string[] };
      assert.ok(!got.received.includes(token), 'the token reached another user');
      assert.equal(got.received, '', 'nothing the grandchild sent reached another user');
      assert.equal(got.bound, false, `another user bound the port (${got.errors.join(', ')})`);
      assert.deepEqual(got.errors, ['Address already in use']);

      const after = readFileSync(`${state}.asks`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { at: number; status: number; body?: string });
      const later = after.filter((ask) => ask.at > killedAt + 1500);
      assert.ok(later.length >= 5, 'the grandchild kept asking');
      assert.ok(
        later.every((ask) => ask.status === 0),
        'nothing answered the grandchild after tfmfa died',
      );
      assert.ok(
        !after.some((ask) => ask.body?.includes('AKIAATTACKER')),
        "the grandchild never got another user's credentials",
      );
    } finally {
      if (grandchild && alive(grandchild)) process.kill(grandchild, 'SIGKILL');
      try {
        process.kill(-tfmfaPid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
  },
);
