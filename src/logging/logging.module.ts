import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream, destination } from 'pino';
import type { AppConfig } from '../config/app-config.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * JSON lines (pretty in development), a request id on every line logged during a request
 * (taken from X-Request-Id when sane), and no secret: credentials are redacted.
 */
export function loggingModule(config: AppConfig): DynamicModule {
  const options = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[Redacted]' },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
  };
  if (config.env === 'development') {
    return LoggerModule.forRoot({ pinoHttp: { ...options, transport: { target: 'pino-pretty', options: { singleLine: true } } } });
  }
  return LoggerModule.forRoot({ pinoHttp: [options, stdout()] });
}

/**
 * Buffered: lines go out 4 KiB at a time, or after at most a second, instead of one write per
 * line (a syscall per attempt in a fan-out). Pino flushes the buffer on exit, so only a
 * SIGKILL can lose the last lines.
 */
function stdout(): DestinationStream {
  // One per process, however many apps it creates (the tests create many).
  processStdout ??= destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });
  return processStdout;
}
let processStdout: DestinationStream | undefined;
