import { Module } from '@nestjs/common';
import { TrainingController } from './training.controller.js';
import { TrainingRequestPipe } from './training-request.pipe.js';
import { TrainingService } from './training.service.js';

/** Training jobs over the API: POST/GET /training, GET /training/:version, POST /training/:version/cancel. */
@Module({
  controllers: [TrainingController],
  providers: [TrainingService, TrainingRequestPipe],
})
export class TrainingModule {}
