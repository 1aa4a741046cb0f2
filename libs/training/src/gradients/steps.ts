/**
 * One optimiser step of the training loop, on one thread or data-parallel over several.
 *
 * LocalSteps is the seed's step on the current backend (also the GPU path with tfjs-node-gpu).
 * ShardedSteps splits each batch into one contiguous shard per thread: the main thread computes
 * the first shard's gradients while gradient threads (gradients/thread.ts, one wasm instance each)
 * compute the others at the same weights; the size-weighted average is the full batch's
 * mean-loss gradient, and the loop's single Adam applies it. Keeping the only optimiser state on
 * the main thread is what lets a checkpoint hold it exactly; the price is sending the weights
 * (52,357 floats, ~0.2 MB) to each thread every step, small next to a step's compute.
 *
 * Dropout masks are drawn per shard from the loop's PRNG (one seed per Dropout layer per shard),
 * so a run is reproducible for a given thread count; with 1 thread the draws are exactly those of
 * the single-thread loop. Different thread counts give different (equally valid) masks and sum
 * gradients in a different order, so they do not reproduce each other bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type BackendPreference } from '@holterflow/model';
import { siblingModule, startModuleThread, ThreadChannel } from '@holterflow/threads';
import type { Adam } from '../adam.js';
import { BEAT_WIDTH } from '../beats.js';
import { batchObjective, dropoutLayers } from '../objective.js';
import type { FromGradientThread, ToGradientThread } from './messages.js';

export interface StepResult {
  /** The batch's mean loss before the update. */
  loss: number;
  /** Beats of the batch predicted right before the update. */
  correct: number;
}

export interface TrainingSteps {
  /** Threads that compute gradients (1 = the loop's own thread only). */
  readonly threads: number;
  /**
   * Forward, backward and one Adam update on `size` beats of x/y. `dropoutSeeds[s]` holds one seed
   * per Dropout layer for shard s (threads shards; unused ones when the batch is tiny).
   */
  step(x: Float32Array, y: Int32Array, size: number, dropoutSeeds: number[][]): Promise<StepResult>;
  close(): Promise<void>;
}

export class LocalSteps implements TrainingSteps {
  readonly threads = 1;
  private readonly dropout: { seed?: number }[];

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly optimizer: Adam,
  ) {
    this.dropout = dropoutLayers(model);
  }

  async step(x: Float32Array, y: Int32Array, size: number, dropoutSeeds: number[][]): Promise<StepResult> {
    this.dropout.forEach((l, i) => (l.seed = dropoutSeeds[0][i]));
    let correct: tf.Scalar | undefined;
    const cost = this.optimizer.minimize(() => {
      const objective = batchObjective(this.model, x, y, size);
      correct = objective.correct;
      return objective.loss;
    });
    const loss = (await cost.data())[0];
    const right = (await correct!.data())[0];
    tf.dispose([cost, correct!]);
    return { loss, correct: right };
  }

  async close(): Promise<void> {}
}

type GradientThread = ThreadChannel<ToGradientThread, FromGradientThread>;

/**
 * The backend gradient threads start: the one the loop runs on. Data parallelism over threads is
 * for the single-threaded wasm and cpu backends; tfjs-node(-gpu) already uses every core or the GPU.
 */
function threadBackend(name: string): BackendPreference {
  if (name === 'wasm' || name === 'cpu') return name;
  throw new RangeError(
    `data-parallel training threads run on the wasm or cpu backend, not ${name}: train with 1 thread there`,
  );
}

/** Contiguous shard sizes as equal as possible; fewer shards than threads for tiny batches. */
export function shardSizes(size: number, threads: number): number[] {
  const count = Math.min(threads, size);
  return Array.from({ length: count }, (_, i) => Math.floor(size / count) + (i < size % count ? 1 : 0));
}

export class ShardedSteps implements TrainingSteps {
  private readonly variables: tf.Variable[];
  private readonly dropout: { seed?: number }[];

  private constructor(
    private readonly model: tfl.LayersModel,
    private readonly optimizer: Adam,
    private readonly helpers: GradientThread[],
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.dropout = dropoutLayers(model);
  }

  /** Starts `threads - 1` gradient threads on the current backend, with `model`'s architecture. */
  static async create(model: tfl.LayersModel, optimizer: Adam, threads: number): Promise<ShardedSteps> {
    if (!(Number.isInteger(threads) && threads >= 2))
      throw new RangeError(`ShardedSteps needs at least 2 threads, got ${threads}`);
    const backend = threadBackend(tf.getBackend());
    const topology = model.toJSON(undefined, false) as object;
    const helpers = Array.from(
      { length: threads - 1 },
      (): GradientThread =>
        new ThreadChannel(
          startModuleThread(siblingModule('thread', import.meta.url)),
          'gradient thread',
          'gradient thread failed: ',
        ),
    );
    const steps = new ShardedSteps(model, optimizer, helpers);
    try {
      await Promise.all(helpers.map((h) => h.request({ type: 'init', topology, backend })));
    } catch (err) {
      await steps.close();
      throw err;
    }
    return steps;
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  async step(x: Float32Array, y: Int32Array, size: number, dropoutSeeds: number[][]): Promise<StepResult> {
    const sizes = shardSizes(size, this.threads);
    const weights = this.variables.map((v) => v.dataSync() as Float32Array);
    // Hand the other shards out first, so the threads work while this one computes shard 0.
    const replies: Promise<FromGradientThread>[] = [];
    for (let s = 1, start = sizes[0]; s < sizes.length; start += sizes[s], s++) {
      const n = sizes[s];
      replies.push(
        this.helpers[s - 1].request({
          type: 'gradients',
          weights: weights.map((w) => w.slice()),
          x: x.slice(start * BEAT_WIDTH, (start + n) * BEAT_WIDTH),
          y: y.slice(start, start + n),
          size: n,
          dropoutSeeds: dropoutSeeds[s],
        }),
      );
    }
    const own = await this.ownShard(x, y, sizes[0], dropoutSeeds[0]);
    const shards = [own, ...(await Promise.all(replies))].map((r) => {
      if (r.type !== 'gradients') throw new Error(`unexpected ${r.type} from a gradient thread`);
      return r;
    });

    let loss = 0;
    let correct = 0;
    const average = own.grads.map((g) => new Float32Array(g.length));
    shards.forEach((shard, s) => {
      const weight = sizes[s] / size;
      loss += shard.loss * weight;
      correct += shard.correct;
      shard.grads.forEach((g, j) => {
        const a = average[j];
        for (let k = 0; k < g.length; k++) a[k] += g[k] * weight;
      });
    });
    const tensors = average.map((g, i) => tf.tensor(g, this.variables[i].shape));
    this.optimizer.applyGradients(tensors);
    tf.dispose(tensors);
    return { loss, correct };
  }

  private async ownShard(
    x: Float32Array,
    y: Int32Array,
    size: number,
    seeds: number[],
  ): Promise<Extract<FromGradientThread, { type: 'gradients' }>> {
    this.dropout.forEach((l, i) => (l.seed = seeds[i]));
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const objective = batchObjective(this.model, x, y, size);
      correct = objective.correct;
      return objective.loss;
    }, this.variables);
    const arrays = await Promise.all(
      this.variables.map((v) => grads[v.name].data() as Promise<Float32Array>),
    );
    const loss = (await value.data())[0];
    const right = (await correct!.data())[0];
    tf.dispose([value, correct!, ...Object.values(grads)]);
    return { type: 'gradients', loss, correct: right, grads: arrays };
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.terminate()));
  }
}

/** The steps for `threads` (1 → LocalSteps on this thread). */
export function createTrainingSteps(
  model: tfl.LayersModel,
  optimizer: Adam,
  threads: number,
): Promise<TrainingSteps> {
  return threads <= 1
    ? Promise.resolve(new LocalSteps(model, optimizer))
    : ShardedSteps.create(model, optimizer, threads);
}
