import { Module } from '@nestjs/common';
import { RunIndexRebuild } from './run-index-rebuild.js';
import { RunRequestPipe } from './run-request.pipe.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';

/** Classification runs: POST/GET /runs and friends (the planner, status and queue flow live beside). */
@Module({ controllers: [RunsController], providers: [RunsService, RunRequestPipe, RunIndexRebuild] })
export class RunsModule {}
