/**
 * P5 for scripts/bench.ts: Node's cold `tfmfa exec` (no cached session, no ticket) up to the child, without
 * the prompt and the STS round trips, vs a bare Node start (goal ≤ 2×).
 *   - no prompt: the code is given with --mfa-token (a new TOTP window each run: codes are single-use);
 *   - no STS round trips: tfmfa reaches the emulator through a timing proxy in this process; the time the
 *     proxy spends between a request's arrival and its answer's last byte is taken off the run's time.
 * The child is /bin/true, so a run ends right after the child's first instructions. Runs are interleaved
 * with the baseline and spawned asynchronously (the emulator answers from this process).
 */
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI, SERIAL, type Sandbox } from '../test/support/sandbox.ts';
import { median, timeRun } from './bench-credentials.ts';

export interface ColdExecResult {
  runs: number;
  coldExecMs: number;
  stsMs: number;
  bareNodeMs: number;
  ratio: number;
  target: number;
  met: boolean;
}

/** An HTTP proxy to `upstream` that adds up the time it holds each request. */
async function timingProxy(
  upstream: string,
): Promise<{ url: string; heldMs: () => number; reset: () => void; close: () => Promise<void> }> {
  let held = 0;
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => (held += Number(process.hrtime.bigint() - started) / 1e6));
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    heldMs: () => held,
    reset: () => (held = 0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function benchColdExec(box: Sandbox, emptyScript: string, runs = 15): Promise<ColdExecResult> {
  const proxy = await timingProxy(box.emu.url);
  const env = { ...box.env, AWS_ENDPOINT_URL_STS: proxy.url };
  const cold: number[] = [];
  const sts: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = -1; i < runs; i++) {
      rmSync(box.cacheDir, { recursive: true, force: true });
      box.emu.advance(30);
      const code = box.emu.currentCode(SERIAL);
      proxy.reset();
      const bareMs = await timeRun(process.execPath, [emptyScript], env);
      const wall = await timeRun(
        process.execPath,
        [CLI, 'exec', 'GEHC-056', '--mfa-token', code, '--', '/bin/true'],
        env,
      );
      if (i < 0) continue; // one warm-up round for the file system caches
      bare.push(bareMs);
      sts.push(proxy.heldMs());
      cold.push(wall - proxy.heldMs());
    }
  } finally {
    await proxy.close();
  }
  const coldExecMs = median(cold);
  const bareNodeMs = median(bare);
  const ratio = coldExecMs / bareNodeMs;
  return { runs, coldExecMs, stsMs: median(sts), bareNodeMs, ratio, target: 2, met: ratio <= 2 };
}
