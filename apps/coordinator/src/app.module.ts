/** The coordinator: one module per concern, configured once from a CoordinatorConfig. */
import { Module, type DynamicModule } from '@nestjs/common';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from './config.js';
import { AuthModule } from './auth/auth.module.js';
import { AdminModule } from './admin/admin.module.js';
import { HealthModule } from './health/health.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModelsModule } from './models/models.module.js';
import { QueuesModule } from './queues/queues.module.js';
import { RunsModule } from './runs/runs.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TrainingModule } from './training/training.module.js';

@Module({})
export class AppModule {
  static forRoot(config: CoordinatorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        QueuesModule.forRoot(config),
        StorageModule.forRoot(config),
        AuthModule,
        HealthModule,
        IngestModule,
        AdminModule,
        MetricsModule,
        RunsModule,
        ModelsModule,
        TrainingModule,
      ],
      providers: [{ provide: COORDINATOR_CONFIG, useValue: config }],
      exports: [COORDINATOR_CONFIG],
    };
  }
}
