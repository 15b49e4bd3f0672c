/**
 * The credential server's connection caps (src/server/connection-gate.ts) and the peer lookup behind the per-user
 * cap (src/server/peer-uid.ts), on real loopback sockets. The flood itself, from another user, is in
 * server-flood.test.ts.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConnectionGate } from '../../src/server/connection-gate.ts';
import { startCredentialServer } from '../../src/server/credential-server.ts';
import { lookupPeerUids, peerKey } from '../../src/server/peer-uid.ts';

const linux = process.platform === 'linux';

function opened(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const closedSoon = (socket: Socket, ms = 2000) =>
  new Promise<boolean>((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('close', done);
    socket.once('end', done);
    socket.once('error', done);
    socket.resume();
  });

describe('peer lookup (/proc/net/tcp)', () => {
  test('keys are the address as /proc prints it (bytes reversed) and the port', () => {
    assert.equal(peerKey('127.0.0.1', 0x1f90), 0x0100007f * 65536 + 0x1f90);
    assert.equal(peerKey('::ffff:127.0.0.2', 1), 0x0200007f * 65536 + 1);
    for (const address of [undefined, '::1', 'fe80::1', '127.0.0', '127.0.0.256'])
      assert.equal(peerKey(address, 1), undefined, String(address));
  });

  test(
    "a loopback connection's owner is found, whichever table holds the client (IPv4, or IPv6 mapped)",
    { skip: !linux && 'Linux only' },
    async () => {
      const accepted: Socket[] = [];
      const server = createServer((socket) => accepted.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const v4 = await opened(port);
      const mapped = await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: '::ffff:127.0.0.1', port }, () => resolve(socket));
        socket.once('error', reject);
      });
      try {
        while (accepted.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
        const keys = accepted.map((socket) => peerKey(socket.remoteAddress, socket.remotePort) as number);
        const uids = await lookupPeerUids([...keys, 12345], port);
        assert.deepEqual([...uids.entries()].sort(), keys.map((key) => [key, process.getuid?.()]).sort());
        assert.equal(
          (await lookupPeerUids(keys, port + 1 === 65536 ? 1 : port + 1)).size,
          0,
          'only clients of that port',
        );
      } finally {
        for (const socket of [v4, mapped, ...accepted]) socket.destroy();
        server.close();
      }
    },
  );
});

describe('connection caps', () => {
  let server: Server;
  let port = 0;
  let gate: ConnectionGate;
  const uidOf = new Map<number, number>();
  const accepted: Socket[] = [];
  before(async () => {
    server = createServer((socket) => {
      if (gate.admit(socket)) accepted.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  test(
    'per server: a new connection drops the oldest idle one; a busy one is never dropped; when ' +
      'all are busy, the newcomer is',
    async () => {
      gate = new ConnectionGate({
        limits: { maxOpen: 3, maxPerPeer: 100 },
        port: () => port,
        ownUid: 1,
        lookup: async () => new Map(),
      });
      accepted.length = 0;
      const clients = [await opened(port), await opened(port), await opened(port)];
      while (accepted.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      gate.busy(accepted[0] as Socket);
      clients.push(await opened(port));
      assert.equal(await closedSoon(clients[1] as Socket), true, 'the oldest idle one went');
      assert.equal(await closedSoon(clients[0] as Socket, 300), false, 'the busy one stays');
      assert.equal(gate.size, 3);
      for (const socket of accepted.slice(2, 4)) gate.busy(socket);
      const late = await opened(port);
      assert.equal(await closedSoon(late), true, 'all busy: the newcomer is dropped');
      assert.equal(await closedSoon(clients[0] as Socket, 300), false);
      for (const socket of [...clients, late]) socket.destroy();
    },
  );

  test(
    "per peer: another user keeps its first connections up to the cap; the server's own user and " +
      'unknown peers are not capped',
    async () => {
      uidOf.clear();
      let allKnown: () => void = () => undefined;
      const known = new Promise<void>((resolve) => (allKnown = resolve));
      gate = new ConnectionGate({
        limits: { maxOpen: 100, maxPerPeer: 2 },
        port: () => port,
        ownUid: 1000,
        lookup: async (keys) => {
          await known;
          return new Map(keys.filter((key) => uidOf.has(key)).map((key) => [key, uidOf.get(key) as number]));
        },
      });
      accepted.length = 0;
      const clients: Socket[] = [];
      const owners = [4242, 4242, 1000, 4242, 4242, 1000, 1000, undefined];
      for (const owner of owners) {
        const client = await opened(port);
        if (owner !== undefined) uidOf.set(peerKey('127.0.0.1', client.localPort) as number, owner);
        clients.push(client);
      }
      allKnown();
      const dropped = await Promise.all(clients.map((client) => closedSoon(client, 2500)));
      assert.deepEqual(dropped, [false, false, false, true, true, false, false, false]);
      for (const client of clients) client.destroy();
    },
  );

  test('the credential server answers its client while idle connections fill it', async () => {
    const credentials = await startCredentialServer({
      token: 'tok',
      credentials: async () => ({
        accessKeyId: 'ASIA1',
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date(Date.now() + 3600_000),
      }),
      gate: { maxOpen: 20, maxPerPeer: 16 },
    });
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 60; i++) idle.push(await opened(credentials.port));
      const answer = await fetch(credentials.url, { headers: { Authorization: 'tok' } });
      assert.equal(answer.status, 200);
      const closed = await Promise.all(idle.map((socket) => closedSoon(socket, 300)));
      assert.ok(closed.filter(Boolean).length >= 40, 'the oldest idle ones made room');
    } finally {
      for (const socket of idle) socket.destroy();
      await credentials.close();
    }
  });
});
