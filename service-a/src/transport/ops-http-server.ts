import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface OpsHttpServer {
  listen(host: string, port: number): Promise<void>;
  close(): Promise<void>;
}

/** /metrics, /healthz (the process lives) and /readyz (it can take calls) for the supervisor and Prometheus. */
export function createOpsHttpServer(registry: Registry, isReady: () => boolean): OpsHttpServer {
  const server: Server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => response.writeHead(500).end(),
      );
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/readyz') {
      const ready = isReady();
      response
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
    } else {
      response.writeHead(404).end();
    }
  });
  return {
    listen: (host, port) => new Promise((resolve) => server.listen(port, host, resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
