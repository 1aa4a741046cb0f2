/**
 * A data-parallel gradient thread: its own TensorFlow.js backend instance (one wasm instance per
 * core, since tfjs-wasm has no threads in Node) and its own copy of the model. It holds no
 * optimiser state: each request brings the weights of the step, and the reply is the gradients
 * of its shard; the loop's one Adam (main thread) applies the average, so checkpoints stay exact.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@holterflow/model';
import { batchObjective, dropoutLayers } from '../objective.js';
import type { FromGradientThread, ToGradientThread } from './messages.js';

if (!parentPort) throw new Error('gradients/thread.ts runs as a worker thread of ShardedSteps');
const port = parentPort;
let model: tfl.LayersModel | undefined;

function reply(message: FromGradientThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function handle(message: ToGradientThread): Promise<void> {
  if (message.type === 'init') {
    const info = await initBackend({ prefer: message.backend, log: () => {} });
    model = await tfl.models.modelFromJSON(
      message.topology as Parameters<typeof tfl.models.modelFromJSON>[0],
    );
    return reply({ type: 'ready', backend: info.name });
  }
  if (!model) throw new Error('gradient thread used before init');
  const current = model;
  const variables = current.trainableWeights.map((w) => w.read() as tf.Variable);
  if (message.weights.length !== variables.length)
    throw new Error(`got ${message.weights.length} weight tensors for ${variables.length} variables`);
  tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(message.weights[i], v.shape))));
  dropoutLayers(current).forEach((l, i) => (l.seed = message.dropoutSeeds[i]));
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const objective = batchObjective(current, message.x, message.y, message.size);
    correct = objective.correct;
    return objective.loss;
  }, variables);
  const arrays = await Promise.all(variables.map((v) => grads[v.name].data() as Promise<Float32Array>));
  const loss = (await value.data())[0];
  const right = (await correct!.data())[0];
  tf.dispose([value, correct!, ...Object.values(grads)]);
  reply(
    { type: 'gradients', loss, correct: right, grads: arrays },
    arrays.map((a) => a.buffer as ArrayBuffer),
  );
}

port.on('message', (message: ToGradientThread) => {
  handle(message).catch((err: Error) => reply({ type: 'error', message: err.stack ?? err.message }));
});
