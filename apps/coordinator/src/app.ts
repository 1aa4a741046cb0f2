/** Builds the coordinator application (used by main.ts and by tests, which pass their own config). */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { consoleStatic, loadConsoleFiles } from './console/console-static.js';
import { requestLogging, type LoggingOptions } from './logging/request-logging.js';
import type { CoordinatorConfig } from './config.js';

export const OPENAPI_PATH = 'docs';
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CoordinatorOptions {
  /** false: no log output (tests). */
  logger?: false;
  /** Log level (HOLTERFLOW_LOG_LEVEL, default info) and destination (stdout). */
  logLevel?: LoggingOptions['level'];
  logStream?: LoggingOptions['stream'];
}

export async function createCoordinator(
  config: CoordinatorConfig,
  options: CoordinatorOptions = {},
): Promise<INestApplication> {
  const logging: LoggingOptions = {
    level: options.logger === false ? 'silent' : (options.logLevel ?? 'info'),
    stream: options.logStream,
  };
  const logs = requestLogging(logging);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  // Every Nest logger (new Logger('runs') included) writes through pino from here on, and
  // every request is logged, its id on each line written while it is handled.
  app.useLogger(logs.nestLogger);
  app.use(logs.middleware);
  // JSON only. 8 MB holds a POST /runs naming 100,000 recording keys (its limit); larger bodies
  // are a 413 before anything reads them.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  app.enableShutdownHooks();
  // The web console at / (static files, before the API routes; API paths are not files).
  app.use(consoleStatic(loadConsoleFiles()));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('HolterFlow coordinator')
      .setDescription(
        'Ingest Holter ECG archives; classify every beat of a run of recordings (plan, progress, ' +
          'cancel, retry, results on S3); list and promote model versions; watch queues and workers.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key (holterflow keys create)' })
      .build(),
  );
  // UI at /docs, the document itself at /docs-json.
  SwaggerModule.setup(OPENAPI_PATH, app, document);
  return app;
}
