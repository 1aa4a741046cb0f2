/** Admin surface: Bull Board at /admin/queues and the workers list at /admin/workers. */
import { Module } from '@nestjs/common';
import { BullBoardModule } from './bull-board.module.js';
import { WorkersController } from './workers.controller.js';
import { WorkersService } from './workers.service.js';

@Module({
  imports: [BullBoardModule],
  controllers: [WorkersController],
  providers: [WorkersService],
})
export class AdminModule {}
