import { Module } from '@nestjs/common';
import { RunIndexRebuild } from './run-index-rebuild.js';
import { RunRequestPipe } from './run-request.pipe.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';
import { ResultsController } from '../results/results.controller.js';
import { ResultsService } from '../results/results.service.js';
import { BeatsCache } from '../results/beats-cache.js';
import { SignalService } from '../results/signal.service.js';
import { ReportPdf } from '../results/report-pdf.js';

/**
 * Classification runs: POST/GET /runs and friends (the planner, status and queue flow live beside),
 * and the analyst downloads of their results (../results).
 */
@Module({
  controllers: [RunsController, ResultsController],
  providers: [
    RunsService,
    RunRequestPipe,
    RunIndexRebuild,
    ResultsService,
    BeatsCache,
    SignalService,
    ReportPdf,
  ],
})
export class RunsModule {}
