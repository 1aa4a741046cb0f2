/** Builds the coordinator application (used by main.ts and by tests, which pass their own config). */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { consoleStatic, loadConsoleFiles } from './console/console-static.js';
import type { CoordinatorConfig } from './config.js';

export const OPENAPI_PATH = 'docs';

export async function createCoordinator(
  config: CoordinatorConfig,
  options: { logger?: false } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    ...(options.logger === false ? { logger: false } : {}),
  });
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
      .build(),
  );
  // UI at /docs, the document itself at /docs-json.
  SwaggerModule.setup(OPENAPI_PATH, app, document);
  return app;
}
