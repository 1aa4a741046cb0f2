/**
 * Data-parallel training over worker threads: each step's batch is split into one shard per
 * worker, every worker computes its shard's gradients on its own wasm instance, the main thread
 * averages them (weighted by shard size, so the result is the full batch's mean-loss gradient)
 * and every worker applies the same average. To keep one message round trip per step, the
 * average is sent with the NEXT step's shard (or by flush()); weights() flushes first.
 */
import { Worker } from 'node:worker_threads';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BEAT_LENGTH } from '../architecture.js';
import type { BackendPreference } from '../backend.js';
import { assertBatch, type TrainBatch } from './loss.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { Trainer } from './trainer.js';

export interface ParallelTrainerOptions {
  /** Worker threads, one per core to use (default 2). */
  workers?: number;
  learningRate?: number;
  /**
   * The model's dropout rate (default 0.5, as buildSeedCnn). Workers build their copies WITHOUT
   * a seed: weights come from the model, and a seeded tfjs Dropout layer would draw the same mask
   * on every step.
   */
  dropout?: number;
  backend?: BackendPreference;
}

/**
 * Workers run TypeScript through tsx like the rest of the repo (no build step). Node 20 does not
 * apply `--import tsx` to worker threads, so a tiny bootstrap registers tsx's loader first.
 */
function startWorker(): Worker {
  const script = new URL('./train-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { eval: true });
}

class TrainWorker {
  private pending?: { resolve: (m: FromWorker) => void; reject: (e: Error) => void };

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.type === 'error') p?.reject(new Error(`train worker failed: ${m.message}`));
      else p?.resolve(m);
    });
    worker.on('error', (err) => this.pending?.reject(err));
    worker.on('exit', (code) => this.pending?.reject(new Error(`train worker exited with code ${code}`)));
  }

  request(message: ToWorker): Promise<FromWorker> {
    if (this.pending) throw new Error('one request at a time per train worker');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class ParallelTrainer implements Trainer {
  private pendingGrads?: Float32Array[];
  private rate: number;

  private constructor(
    private readonly workers: TrainWorker[],
    learningRate: number,
  ) {
    this.rate = learningRate;
  }

  /** Starts the workers with `model`'s current weights. */
  static async create(
    model: tfl.LayersModel,
    options: ParallelTrainerOptions = {},
  ): Promise<ParallelTrainer> {
    const count = options.workers ?? 2;
    const learningRate = options.learningRate ?? 1e-3;
    const weights = model.trainableWeights.map((w) => (w.read().dataSync() as Float32Array).slice());
    const workers = Array.from({ length: count }, () => new TrainWorker(startWorker()));
    const trainer = new ParallelTrainer(workers, learningRate);
    try {
      await Promise.all(
        workers.map((w) =>
          w.request({
            type: 'init',
            weights,
            learningRate,
            dropout: options.dropout ?? 0.5,
            backend: options.backend ?? 'wasm',
          }),
        ),
      );
    } catch (err) {
      await trainer.close();
      throw err;
    }
    return trainer;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  get learningRate(): number {
    return this.rate;
  }

  async setLearningRate(value: number): Promise<void> {
    await this.flush();
    await Promise.all(this.workers.map((w) => w.request({ type: 'learningRate', value })));
    this.rate = value;
  }

  async trainStep(batch: TrainBatch): Promise<number> {
    assertBatch(batch);
    const shards = this.split(batch);
    const apply = this.pendingGrads;
    this.pendingGrads = undefined;
    const replies = await Promise.all(
      shards.map((shard, i) => this.workers[i].request({ type: 'step', apply, batch: shard })),
    );
    let loss = 0;
    let average: Float32Array[] | undefined;
    replies.forEach((r, i) => {
      if (r.type !== 'grads') throw new Error(`unexpected ${r.type} from a train worker`);
      const weight = shards[i].n / batch.n;
      loss += r.loss * weight;
      const acc = (average ??= r.grads.map((g) => new Float32Array(g.length)));
      r.grads.forEach((g, j) => {
        const a = acc[j];
        for (let k = 0; k < g.length; k++) a[k] += g[k] * weight;
      });
    });
    this.pendingGrads = average;
    return loss;
  }

  /** Applies the last step's averaged gradients everywhere. */
  async flush(): Promise<void> {
    const grads = this.pendingGrads;
    this.pendingGrads = undefined;
    if (grads) await Promise.all(this.workers.map((w) => w.request({ type: 'apply', grads })));
  }

  /** Current weights of every worker's copy (trainableWeights order); they are identical. */
  async allWeights(): Promise<Float32Array[][]> {
    await this.flush();
    const replies = await Promise.all(this.workers.map((w) => w.request({ type: 'weights' })));
    return replies.map((r) => {
      if (r.type !== 'weights') throw new Error(`unexpected ${r.type} from a train worker`);
      return r.weights;
    });
  }

  async weights(): Promise<Float32Array[]> {
    return (await this.allWeights())[0];
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Contiguous shards as equal as possible; fewer shards than workers for tiny batches. */
  private split(batch: TrainBatch): TrainBatch[] {
    const count = Math.min(this.workers.length, batch.n);
    const shards: TrainBatch[] = [];
    for (let i = 0, start = 0; i < count; i++) {
      const n = Math.floor(batch.n / count) + (i < batch.n % count ? 1 : 0);
      shards.push({
        beats: batch.beats.slice(start * BEAT_LENGTH, (start + n) * BEAT_LENGTH),
        labels: batch.labels.slice(start, start + n),
        n,
      });
      start += n;
    }
    return shards;
  }
}
