/**
 * A data-parallel training worker: its own wasm instance (one per core, since tfjs-wasm has no
 * threads in Node) and its own copy of the model and Adam state. Every worker applies the same
 * averaged gradients with the same float32 kernels, so all copies stay bit-identical.
 */
import { parentPort } from 'node:worker_threads';
import { buildSeedCnn } from '../architecture.js';
import { initBackend } from '../backend.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { GradientStepper } from './step.js';

if (!parentPort) throw new Error('train-worker.ts runs as a worker thread of ParallelTrainer');
const port = parentPort;
let stepper: GradientStepper | undefined;

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    const info = await initBackend({ prefer: message.backend, log: () => {} });
    stepper = new GradientStepper(buildSeedCnn({ dropout: message.dropout }), message.learningRate);
    stepper.setWeights(message.weights);
    return reply({ type: 'ready', backend: info.name });
  }
  if (!stepper) throw new Error('worker used before init');
  switch (message.type) {
    case 'step': {
      if (message.apply) stepper.apply(message.apply);
      const { loss, grads } = await stepper.gradients(message.batch);
      return reply(
        { type: 'grads', loss, grads },
        grads.map((g) => g.buffer as ArrayBuffer),
      );
    }
    case 'apply':
      stepper.apply(message.grads);
      return reply({ type: 'applied' });
    case 'weights':
      return reply({ type: 'weights', weights: stepper.weights() });
    case 'learningRate':
      stepper.learningRate = message.value;
      return reply({ type: 'applied' });
  }
}

port.on('message', (message: ToWorker) => {
  handle(message).catch((err: Error) => reply({ type: 'error', message: err.stack ?? err.message }));
});
