import type { IRoute, NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/** Times every request; the route label is the matched route template, never the raw path. */
export function httpMetrics(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // Express types the matched route as `any`; it is undefined when no route matched.
      const matched = req.route as IRoute | undefined;
      const route = matched?.path ? `${req.baseUrl}${matched.path}` : req.originalUrl.startsWith('/admin/queues') ? '/admin/queues' : 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
