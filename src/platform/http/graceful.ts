// Closing an HTTP server without cutting a request: server.close() stops accepting connections and
// closes the idle keep-alive ones, but a connection whose request is in flight stays open after its
// answer (keep-alive) until its idle timeout. Tracked from the start, every such connection is closed
// as soon as its answer is sent once the stop has begun, and a request arriving on it meanwhile is
// answered with `Connection: close`.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export function closableServer(server: Server): { close: () => Promise<void> } {
  let stopping = false;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.shouldKeepAlive = false;
    res.on('finish', () => {
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    close: () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return closed;
    },
  };
}
