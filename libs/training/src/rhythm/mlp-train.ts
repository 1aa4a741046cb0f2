/**
 * Training the rhythm model's MLP (libs/model rhythm/mlp.ts): mini-batch Adam over standardised
 * feature rows, ReLU hidden layers with inverted dropout, and one of three ways to meet the class
 * imbalance (a Holter day is ~90 % N): class-weighted cross-entropy, focal loss (Lin et al. 2017),
 * or plain cross-entropy on a SMOTE-balanced set (recipe.ts chooses). Plain loops over
 * Float32Arrays, deterministic for a seed; the whole state (weights, Adam moments, PRNG) is
 * plain arrays, so a checkpoint resumes bit for bit.
 */
import {
  denseForward,
  reluInPlace,
  softmaxInPlace,
  type DenseLayer,
  type MlpParameters,
} from '@holterflow/model';
import { SeededRandom } from '@holterflow/ecg';

export type LossKind = 'cross-entropy' | 'focal';

export interface MlpTrainOptions {
  loss: LossKind;
  /** Per-class weight of each beat's loss (1 for all: unweighted). */
  classWeights: readonly number[];
  /** Focal loss γ (Lin et al. use 2). */
  focalGamma: number;
  dropout: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on weights (not biases), added to the gradient. */
  weightDecay: number;
}

/** Adam moments for every tensor of the network, in layer order (weights, bias, weights, …). */
export interface MlpAdamState {
  iterations: number;
  m: Float32Array[];
  v: Float32Array[];
}

export function tensorsOf(layers: readonly DenseLayer[]): Float32Array[] {
  return layers.flatMap((l) => [l.weights, l.bias]);
}

export function newAdamState(layers: readonly DenseLayer[]): MlpAdamState {
  const t = tensorsOf(layers);
  return {
    iterations: 0,
    m: t.map((a) => new Float32Array(a.length)),
    v: t.map((a) => new Float32Array(a.length)),
  };
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

function adamStep(layers: DenseLayer[], grads: Float32Array[], state: MlpAdamState, lr: number): void {
  const tensors = tensorsOf(layers);
  const t = ++state.iterations;
  const c1 = 1 - Math.pow(BETA1, t);
  const c2 = 1 - Math.pow(BETA2, t);
  tensors.forEach((w, k) => {
    const g = grads[k];
    const m = state.m[k];
    const v = state.v[k];
    for (let i = 0; i < w.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
      w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPSILON);
    }
  });
}

/** Buffers for one batch, allocated once per epoch. */
class BatchBuffers {
  readonly acts: Float32Array[];
  readonly masks: Float32Array[];
  readonly deltas: Float32Array[];
  readonly grads: Float32Array[];
  constructor(p: MlpParameters, batch: number) {
    const widths = [p.mean.length, ...p.layers.map((l) => l.outputs)];
    this.acts = widths.map((w) => new Float32Array(batch * w));
    this.masks = widths.map((w) => new Float32Array(batch * w));
    this.deltas = widths.map((w) => new Float32Array(batch * w));
    this.grads = tensorsOf(p.layers).map((t) => new Float32Array(t.length));
  }
}

/**
 * One epoch over `rows` (already standardised, n × d) in an order drawn from `random`.
 * Returns the mean loss.
 */
export function trainEpoch(
  p: MlpParameters,
  adam: MlpAdamState,
  rows: Float32Array,
  labels: Int32Array,
  options: MlpTrainOptions,
  random: SeededRandom,
): number {
  const n = labels.length;
  const d = p.mean.length;
  const order = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const buffers = new BatchBuffers(p, options.batchSize);
  let lossSum = 0;
  for (let start = 0; start < n; start += options.batchSize) {
    const size = Math.min(options.batchSize, n - start);
    const input = buffers.acts[0];
    for (let b = 0; b < size; b++)
      input.set(rows.subarray(order[start + b] * d, order[start + b] * d + d), b * d);
    const batchLabels = order.subarray(start, start + size).map((i) => labels[i]);
    lossSum += batchStep(p, adam, buffers, size, batchLabels, options, random) * size;
  }
  return lossSum / n;
}

function batchStep(
  p: MlpParameters,
  adam: MlpAdamState,
  buf: BatchBuffers,
  size: number,
  labels: Int32Array,
  o: MlpTrainOptions,
  random: SeededRandom,
): number {
  const layers = p.layers;
  const last = layers.length - 1;
  // Forward, keeping every layer's (post-activation, post-dropout) output.
  for (let l = 0; l <= last; l++) {
    const out = buf.acts[l + 1];
    denseForward(layers[l], buf.acts[l], size, out);
    if (l < last) {
      const len = size * layers[l].outputs;
      reluInPlace(out, len);
      const mask = buf.masks[l + 1];
      const keep = 1 - o.dropout;
      for (let i = 0; i < len; i++) {
        mask[i] = o.dropout > 0 ? (random.next() < keep ? 1 / keep : 0) : 1;
        out[i] *= mask[i];
      }
    }
  }
  const k = layers[last].outputs;
  const probs = buf.acts[last + 1];
  softmaxInPlace(probs, size, k);
  // Loss and its gradient with respect to the logits.
  const delta = buf.deltas[last + 1];
  let loss = 0;
  let weightSum = 0;
  for (let b = 0; b < size; b++) weightSum += o.classWeights[labels[b]];
  for (let b = 0; b < size; b++) {
    const y = labels[b];
    const w = o.classWeights[y] / weightSum;
    const pt = Math.min(1 - 1e-7, Math.max(1e-7, probs[b * k + y]));
    if (o.loss === 'cross-entropy') {
      loss += -w * Math.log(pt);
      for (let c = 0; c < k; c++) delta[b * k + c] = w * (probs[b * k + c] - (c === y ? 1 : 0));
    } else {
      // FL = −(1 − p)^γ log p; dFL/dz_c = dFL/dp · p (δ_cy − p_c).
      const g = o.focalGamma;
      const q = 1 - pt;
      loss += -w * Math.pow(q, g) * Math.log(pt);
      const dLdp = g * Math.pow(q, g - 1) * Math.log(pt) - Math.pow(q, g) / pt;
      for (let c = 0; c < k; c++) delta[b * k + c] = w * dLdp * pt * ((c === y ? 1 : 0) - probs[b * k + c]);
    }
  }
  // Backward.
  for (let l = last; l >= 0; l--) {
    const layer = layers[l];
    const { inputs, outputs, weights } = layer;
    const gW = buf.grads[2 * l];
    const gB = buf.grads[2 * l + 1];
    gW.fill(0);
    gB.fill(0);
    const dOut = buf.deltas[l + 1];
    const input = buf.acts[l];
    for (let b = 0; b < size; b++) {
      for (let c = 0; c < outputs; c++) gB[c] += dOut[b * outputs + c];
      for (let i = 0; i < inputs; i++) {
        const a = input[b * inputs + i];
        if (a === 0) continue;
        const wi = i * outputs;
        const ob = b * outputs;
        for (let c = 0; c < outputs; c++) gW[wi + c] += a * dOut[ob + c];
      }
    }
    if (o.weightDecay > 0) for (let i = 0; i < gW.length; i++) gW[i] += o.weightDecay * weights[i];
    if (l === 0) break;
    // Through the previous layer's dropout and ReLU.
    const dIn = buf.deltas[l];
    const mask = buf.masks[l];
    for (let b = 0; b < size; b++) {
      for (let i = 0; i < inputs; i++) {
        const at = b * inputs + i;
        if (input[at] === 0) {
          dIn[at] = 0;
          continue;
        }
        let s = 0;
        const wi = i * outputs;
        const ob = b * outputs;
        for (let c = 0; c < outputs; c++) s += weights[wi + c] * dOut[ob + c];
        dIn[at] = s * mask[at];
      }
    }
  }
  adamStep(layers, buf.grads, adam, o.learningRate);
  return loss;
}
