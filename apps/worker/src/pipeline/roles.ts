/** The run flow's roles for the worker's role table (processors.ts). */
import { QUEUES } from '@holterflow/contracts';
import type { RoleTable } from '../role-definition.js';
import { ClassifyProcessor } from './classify.processor.js';
import { ClassifyThreads } from './classify-threads.js';
import { FinalizeProcessor } from './finalize.processor.js';
import { ModelFilesCache } from './model-files.js';
import { RunCancellation } from './run-cancellation.js';
import { SummarizeProcessor } from './summarize.processor.js';

/**
 * Lock durations: BullMQ's 30 s, given explicitly (the worker host passes the field through as
 * is). The classify main thread only does I/O and Parquet work — DSP and inference run on its
 * compute threads — and each job logs its longest event-loop stall: at most 1.0 s with one
 * worker and 2.0 s with two on 2 shared cores at load ~9 (bench/pipeline.ts, 30-min windows of
 * 24 h recordings; mostly Parquet decoding), against 15 s between lock renewals.
 */
const LOCK_MS = 30_000;

export const PIPELINE_ROLES: Pick<RoleTable, 'classify' | 'summarize' | 'finalize'> = {
  classify: {
    queue: QUEUES.classify,
    processor: ClassifyProcessor,
    // onnxruntime-node on CPU unless HOLTERFLOW_INFERENCE_ENGINE says otherwise (libs/model).
    backend: 'onnxruntime-node cpu',
    providers: [ClassifyThreads, ModelFilesCache, RunCancellation],
    lockDurationMs: LOCK_MS,
  },
  summarize: {
    queue: QUEUES.summarize,
    processor: SummarizeProcessor,
    backend: 'none',
    providers: [RunCancellation],
    lockDurationMs: LOCK_MS,
  },
  finalize: {
    queue: QUEUES.finalize,
    processor: FinalizeProcessor,
    backend: 'none',
    lockDurationMs: LOCK_MS,
  },
};
