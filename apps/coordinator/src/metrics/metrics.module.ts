import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { JobEventsMetrics } from './job-events.js';

@Module({
  imports: [AdminModule],
  controllers: [MetricsController],
  providers: [MetricsService, JobEventsMetrics],
})
export class MetricsModule {}
