import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthService, type Health } from './health.service.js';
import { Public } from '../auth/access.decorator.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Redis and S3 reachability: 200 when both answer, 503 (same body) otherwise' })
  async check(): Promise<Health> {
    const health = await this.health.check();
    if (!health.ok) throw new HttpException(health, HttpStatus.SERVICE_UNAVAILABLE);
    return health;
  }
}
