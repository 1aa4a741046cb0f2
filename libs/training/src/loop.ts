/**
 * The seed's training loop, written out (not model.fit) so that every piece of state can be
 * checkpointed and a resumed run continues bit for bit: Adam (1e-3), batch 128, sparse
 * categorical cross-entropy, up to 40 epochs, a seeded shuffle per epoch, early stopping on
 * validation loss (patience 8) that restores the best weights, and ReduceLROnPlateau on
 * validation loss.
 *
 * The seed report only says "learning rate halved on plateau"; we use Keras's ReduceLROnPlateau
 * with factor 0.5, patience 3, min_delta 1e-4, min_lr 1e-5 (stated in LOOP_DEFAULTS). Early
 * stopping uses Keras's min_delta 0. The best weights are restored when training ends, whether
 * it stopped early or ran all epochs, so the saved model is always the best-validation one.
 *
 * Dropout: tfjs draws a dropout mask from the layer's `seed` on every call, so a fixed seed gives
 * the same mask on every step, and no seed gives Math.random masks that cannot be resumed. The
 * loop sets each Dropout layer's seed from its own PRNG before every step: masks differ from step
 * to step, and the sequence is part of the checkpointed PRNG state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainProgress } from '@holterflow/contracts';
import { Adam, type AdamState } from './adam.js';
import { BEAT_WIDTH, type LabelledBeats } from './beats.js';
import { createTrainingSteps, type TrainingSteps } from './gradients/steps.js';
import { dropoutLayers } from './objective.js';
import { evaluateBeats } from './predict.js';
import { SeededRandom } from '@holterflow/ecg';
import { afterEpoch, INITIAL_SCHEDULE, type ScheduleState } from './schedule.js';

export interface PlateauConfig {
  factor: number;
  patience: number;
  minDelta: number;
  minLearningRate: number;
}

export interface LoopConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  earlyStoppingPatience: number;
  plateau: PlateauConfig;
  seed: number;
}

export const LOOP_DEFAULTS: LoopConfig = {
  epochs: 40,
  batchSize: 128,
  learningRate: 1e-3,
  earlyStoppingPatience: 8,
  plateau: { factor: 0.5, patience: 3, minDelta: 1e-4, minLearningRate: 1e-5 },
  seed: 42,
};

/** One epoch's figures: the train job's progress contract. */
export type EpochReport = TrainProgress;

/** Everything a resumed run needs to continue exactly where this one was after `epoch`. */
export interface TrainingCheckpoint {
  /** Epochs completed. */
  epoch: number;
  /** model.getWeights() order. */
  weights: Float32Array[];
  /** Adam's step count and moments (adam.ts says why not tf.train.adam's getWeights). */
  optimizer: AdamState;
  learningRate: number;
  /** Early-stopping and learning-rate-plateau counters. */
  schedule: ScheduleState;
  /** Weights of schedule.bestEpoch, restored when training ends. */
  bestWeights: Float32Array[];
  rngState: number;
  history: EpochReport[];
  /** True once early stopping fired or the last epoch ran: resuming only restores the best weights. */
  finished: boolean;
}

export interface LoopResult {
  history: EpochReport[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
  /** Epochs run by this call (not counting those before a resume). */
  epochsRun: number;
}

export interface TrainLoopOptions {
  model: tfl.LayersModel;
  train: LabelledBeats;
  validation: LabelledBeats;
  config?: Partial<LoopConfig>;
  onEpoch?: (report: EpochReport) => void | Promise<void>;
  /** Called after every epoch; the loop waits for it, so a stored checkpoint is never behind. */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => void | Promise<void>;
  resumeFrom?: TrainingCheckpoint;
  /** Cancels at the next batch boundary with a TrainingCancelledError. */
  signal?: AbortSignal;
  /**
   * Threads computing each batch's gradients (gradients/steps.ts; default 1). Not part of the
   * config: it changes speed, and which dropout masks are drawn, not what is being trained.
   */
  threads?: number;
}

export class TrainingCancelledError extends Error {
  override readonly name = 'TrainingCancelledError';
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly batches: number,
  ) {
    super(
      `training cancelled in epoch ${epoch} before batch ${batch + 1} of ${batches}; ` +
        `the last checkpoint (if any) holds epoch ${epoch - 1}`,
    );
  }
}

export function resolveLoopConfig(config: Partial<LoopConfig> = {}): LoopConfig {
  const c = { ...LOOP_DEFAULTS, ...config, plateau: { ...LOOP_DEFAULTS.plateau, ...config.plateau } };
  if (!(Number.isInteger(c.epochs) && c.epochs >= 1))
    throw new RangeError(`epochs must be a positive integer, got ${c.epochs}`);
  if (!(Number.isInteger(c.batchSize) && c.batchSize >= 1))
    throw new RangeError(`batch size must be a positive integer, got ${c.batchSize}`);
  if (!(c.learningRate > 0)) throw new RangeError(`learning rate must be positive, got ${c.learningRate}`);
  return c;
}

const copyWeights = (model: tfl.LayersModel): Float32Array[] =>
  model.getWeights().map((w) => (w.dataSync() as Float32Array).slice());

export function setModelWeights(model: tfl.LayersModel, weights: Float32Array[]): void {
  const current = model.getWeights();
  if (weights.length !== current.length)
    throw new Error(`checkpoint has ${weights.length} weight tensors, the model ${current.length}`);
  const tensors = weights.map((w, i) => tf.tensor(w, current[i].shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Yields to the event loop so an abort (a timer, a queue event) can land between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainLoop(options: TrainLoopOptions): Promise<LoopResult> {
  const { model, train, validation, signal } = options;
  const config = resolveLoopConfig(options.config);
  const n = train.labels.length;
  if (n === 0 || validation.labels.length === 0)
    throw new RangeError('training and validation parts must not be empty');

  const resume = options.resumeFrom;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new Adam(variables, config.learningRate);
  const dropout = dropoutLayers(model);
  const originalDropoutSeeds = dropout.map((l) => l.seed);

  let rng = new SeededRandom(config.seed);
  let history: EpochReport[] = [];
  let schedule = INITIAL_SCHEDULE;
  let bestWeights = copyWeights(model);
  let startEpoch = 0;
  let finished = false;
  if (resume) {
    setModelWeights(model, resume.weights);
    optimizer.setState(resume.optimizer);
    optimizer.learningRate = resume.learningRate;
    rng = SeededRandom.fromState(resume.rngState);
    history = [...resume.history];
    schedule = { ...resume.schedule };
    bestWeights = resume.bestWeights.map((w) => w.slice());
    finished = resume.finished;
    startEpoch = resume.epoch;
  }

  const batches = Math.ceil(n / config.batchSize);
  const batchX = new Float32Array(config.batchSize * BEAT_WIDTH);
  const batchY = new Int32Array(config.batchSize);
  const order = new Int32Array(n);
  let epochSecondsTotal = 0;
  let epochsRun = 0;
  let stoppedEarly = finished && history.length < config.epochs;

  let steps: TrainingSteps | undefined;
  try {
    steps = await createTrainingSteps(model, optimizer, options.threads ?? 1);
    for (let epoch = startEpoch + 1; epoch <= config.epochs && !finished; epoch++) {
      const started = performance.now();
      for (let i = 0; i < n; i++) order[i] = i;
      rng.shuffle(order);
      const lr = optimizer.learningRate;
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        await yieldToEventLoop();
        if (signal?.aborted) throw new TrainingCancelledError(epoch, b, batches);
        const start = b * config.batchSize;
        const size = Math.min(config.batchSize, n - start);
        for (let i = 0; i < size; i++) {
          const j = order[start + i];
          batchX.set(train.x.subarray(j * BEAT_WIDTH, (j + 1) * BEAT_WIDTH), i * BEAT_WIDTH);
          batchY[i] = train.labels[j];
        }
        // One seed per Dropout layer per shard; with one thread exactly the single-thread draws.
        const dropoutSeeds = Array.from({ length: steps.threads }, () => dropout.map(() => rng.nextUint32()));
        const { loss, correct: batchCorrect } = await steps.step(batchX, batchY, size, dropoutSeeds);
        correct += batchCorrect;
        if (!Number.isFinite(loss))
          throw new Error(
            `training loss became ${loss} in epoch ${epoch}, batch ${b + 1}: check the input for extreme values`,
          );
        lossSum += loss * size;
      }
      const val = await evaluateBeats(model, validation);
      const seconds = (performance.now() - started) / 1000;
      epochSecondsTotal += seconds;
      epochsRun++;
      const report: EpochReport = {
        epoch,
        epochs: config.epochs,
        loss: lossSum / n,
        acc: correct / n,
        valLoss: val.loss,
        valAcc: val.accuracy,
        lr,
        secondsPerEpoch: seconds,
        eta: (epochSecondsTotal / epochsRun) * (config.epochs - epoch),
      };
      history.push(report);

      const step = afterEpoch(schedule, epoch, val.loss, lr, config);
      schedule = step.state;
      if (step.improved) bestWeights = copyWeights(model);
      stoppedEarly = step.stop;
      optimizer.learningRate = step.learningRate;
      finished = stoppedEarly || epoch === config.epochs;

      if (options.onCheckpoint) {
        await options.onCheckpoint({
          epoch,
          weights: copyWeights(model),
          optimizer: optimizer.getState(),
          learningRate: optimizer.learningRate,
          schedule,
          bestWeights: bestWeights.map((w) => w.slice()),
          rngState: rng.getState(),
          history: [...history],
          finished,
        });
      }
      await options.onEpoch?.(report);
    }
    setModelWeights(model, bestWeights);
  } finally {
    dropout.forEach((l, i) => (l.seed = originalDropoutSeeds[i]));
    await steps?.close();
    optimizer.dispose();
  }
  return {
    history,
    bestEpoch: schedule.bestEpoch,
    bestValLoss: schedule.bestValLoss,
    stoppedEarly,
    epochsRun,
  };
}
