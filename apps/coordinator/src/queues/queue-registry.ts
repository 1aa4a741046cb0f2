import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES, type QueueName } from '@holterflow/contracts';

/** Every registered queue by name, for code that works over all of them (metrics, admin). */
@Injectable()
export class QueueRegistry {
  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  get(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  all(): Queue[] {
    return Object.values(QUEUES).map((name) => this.get(name));
  }
}
