// A hostile stand-in for a federation endpoint, a proxy or a captive portal: it answers every request with a
// page that echoes the request URL (raw and decoded), under the status the path asks for: /500/…, /403/…, or
// /200/… (a page without a sign-in token). Test fixture only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoServer {
  url: string;
  /** The request URLs received, raw. */
  requests: string[];
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const raw = req.url ?? '';
    requests.push(raw);
    const status = Number(/^\/(\d{3})\//.exec(raw)?.[1] ?? 200);
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      // keep it raw
    }
    const page =
      status === 403
        ? `Forbidden: ${decoded}\n(raw: ${raw})\n`
        : `<html><body><h1>${status === 200 ? 'Welcome to the guest network' : 'Proxy error'}</h1><p>You asked ` +
          `for ${decoded}</p><pre>${raw}</pre></body></html>`;
    res.writeHead(status, { 'content-type': status === 403 ? 'text/plain' : 'text/html' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
