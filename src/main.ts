import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { configureHttp } from './common/http-setup.js';
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

async function bootstrap() {
  const appConfig = config();
  for (const warning of appConfig.warnings) logger.warn(warning);
  const module = AppModule.forRoot(appConfig);

  if (appConfig.role === 'worker') {
    const context = await NestFactory.createApplicationContext(module);
    context.enableShutdownHooks();
    logger.log(`Worker started (APP_ENV=${appConfig.env})`);
    return;
  }
  const app = await NestFactory.create(module, { bodyParser: false });
  configureHttp(app);
  app.enableShutdownHooks();
  await app.listen(appConfig.port);
  logger.log(`Listening on :${appConfig.port} (APP_ENV=${appConfig.env}, APP_ROLE=${appConfig.role})`);
}

await bootstrap();
