/** Admin surface: Bull Board at /admin/queues, workers at /admin/workers, queue control at /queues. */
import { Module } from '@nestjs/common';
import { BullBoardModule } from './bull-board.module.js';
import { WorkersController } from './workers.controller.js';
import { QueuesAdminController } from './queues-admin.controller.js';
import { WorkersService } from './workers.service.js';

@Module({
  imports: [BullBoardModule],
  controllers: [WorkersController, QueuesAdminController],
  providers: [WorkersService],
  exports: [WorkersService],
})
export class AdminModule {}
