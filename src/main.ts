import 'reflect-metadata';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureHttp } from './http-setup.js';
import { type AppConfig, ConfigError, loadConfig } from './config/app-config.js';

const logger = new Logger('Bootstrap');

function config(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** SIGTERM/SIGINT: close gracefully (workers finish within their bound) and exit 0; a second signal exits at once. */
function closeOnSignals(app: INestApplicationContext) {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.log(`${signal} received: shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function bootstrap() {
  const appConfig = config();
  const module = AppModule.forRoot(appConfig);

  if (appConfig.role === 'worker') {
    // A worker serves no API; with METRICS_PORT it serves /health and /metrics there.
    const metricsPort = appConfig.metricsPort;
    const http = metricsPort ? await NestFactory.create(module, { bodyParser: false, bufferLogs: true }) : undefined;
    const context = http ?? (await NestFactory.createApplicationContext(module, { bufferLogs: true }));
    context.useLogger(context.get(PinoLogger));
    for (const warning of appConfig.warnings) logger.warn(warning);
    closeOnSignals(context);
    if (http && metricsPort) await http.listen(metricsPort);
    logger.log(`Worker started (APP_ENV=${appConfig.env}${metricsPort ? `, /health and /metrics on :${metricsPort}` : ''})`);
    return;
  }
  const app = await NestFactory.create(module, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  for (const warning of appConfig.warnings) logger.warn(warning);
  configureHttp(app);
  closeOnSignals(app);
  await app.listen(appConfig.port);
  logger.log(`Listening on :${appConfig.port} (APP_ENV=${appConfig.env}, APP_ROLE=${appConfig.role})`);
}

await bootstrap();
