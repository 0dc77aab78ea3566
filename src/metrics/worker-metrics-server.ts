import { createServer, type Server } from 'node:http';
import type { MetricsService } from './metrics.service.js';

/** For `worker` processes, which serve no API: /metrics and a liveness /health on METRICS_PORT. */
export function startWorkerMetricsServer(metrics: MetricsService, port: number): Server {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404).end();
    }
  });
  return server.listen(port);
}
