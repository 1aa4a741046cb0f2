import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { MetricsService } from './metrics.service.js';
import { MetricsScrape } from '../auth/access.decorator.js';

@ApiTags('admin')
@MetricsScrape()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiProduces('text/plain')
  @ApiOperation({
    summary:
      'Prometheus metrics: process, queue depths and backlog, job durations, beats, recorded hours, errors, workers',
  })
  async scrape(): Promise<string> {
    return this.metrics.render();
  }
}
