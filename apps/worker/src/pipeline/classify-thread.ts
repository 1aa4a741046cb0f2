/**
 * A compute thread of the classify role: holds the loaded models (each version once per thread,
 * not per job) and runs classifyWindow. DSP and inference take ~1 s per 30-minute window and
 * are synchronous (ORT's session.run included, measured: the event loop got 12 of ~120 5-ms
 * ticks during a 0.6 s predict), so on the main thread they would stall BullMQ's lock renewal
 * and stalled-job checks, and the S3 reads of the next job, for that long.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '@holterflow/model';
import { loadPredictor, type LoadedPredictor } from './beat-predictor.js';
import { classifyWindow } from './classify-window.js';
import type {
  ClassifyThreadSettings,
  FromClassifyThread,
  ModelFiles,
  ToClassifyThread,
} from './classify-thread-protocol.js';

if (!parentPort) throw new Error('classify-thread.ts runs as a worker thread only');
const port = parentPort;
const settings = workerData as ClassifyThreadSettings;
const classifiers = new Map<string, LoadedPredictor>();
// Started at once, while the thread waits for its first job.
const backendReady = initBackend({ prefer: settings.tfBackend, log: () => {} });

async function load(files: ModelFiles): Promise<string> {
  const existing = classifiers.get(files.version);
  if (existing) return existing.engine;
  await backendReady;
  const predictor = await loadPredictor(files, { engine: settings.inferenceEngine });
  classifiers.set(files.version, predictor);
  return predictor.engine;
}

async function handle(message: ToClassifyThread): Promise<FromClassifyThread> {
  if (message.type === 'load') {
    return { type: 'loaded', version: message.model.version, engine: await load(message.model) };
  }
  const classifier = classifiers.get(message.modelVersion);
  if (!classifier) throw new Error(`model ${message.modelVersion} is not loaded in this thread`);
  return {
    type: 'classified',
    output: { ...(await classifyWindow(message.input, classifier)), engine: classifier.engine },
  };
}

port.on('message', (message: ToClassifyThread) => {
  handle(message).then(
    (reply) => {
      const transfer =
        reply.type === 'classified'
          ? [
              reply.output.results.samples.buffer,
              reply.output.results.timeS.buffer,
              reply.output.results.probabilities.buffer,
              reply.output.results.rrPrevMs.buffer,
              reply.output.results.rrNextMs.buffer,
              reply.output.results.window.buffer,
            ]
          : [];
      port.postMessage(reply, transfer as ArrayBuffer[]);
    },
    (err: unknown) =>
      port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
