/**
 * The rhythm model's network: a small multilayer perceptron over one feature vector per beat
 * (input.ts says what is in it), standardised with the training set's mean and spread, ReLU
 * hidden layers, softmax over the five AAMI classes.
 *
 * Why plain TypeScript and not tfjs: the network has ~15 k parameters. At that size tfjs spends
 * its time dispatching ops, not computing; straight loops over Float32Arrays run a training epoch
 * of DS1 (~50 k beats) in seconds and classify far faster than the seed CNN, on every host the
 * same bits (no backend choice, no ONNX export). The seed CNN keeps its tfjs/ONNX path.
 */

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** inputs × outputs, row-major ([i * outputs + o]). */
  weights: Float32Array;
  bias: Float32Array;
}

export interface MlpParameters {
  /** Per-input mean and 1/std of the training set: x' = (x − mean) · invStd. */
  mean: Float32Array;
  invStd: Float32Array;
  /** Hidden layers (ReLU) then the output layer (softmax). */
  layers: DenseLayer[];
}

export function inputWidth(p: MlpParameters): number {
  return p.mean.length;
}

/** Glorot-uniform weights, zero biases; `random` returns [0, 1). */
export function initMlp(widths: readonly number[], random: () => number): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l];
    const outputs = widths[l + 1];
    const limit = Math.sqrt(6 / (inputs + outputs));
    const weights = new Float32Array(inputs * outputs);
    for (let i = 0; i < weights.length; i++) weights[i] = (random() * 2 - 1) * limit;
    layers.push({ inputs, outputs, weights, bias: new Float32Array(outputs) });
  }
  return layers;
}

/** out[b, o] = bias[o] + Σ_i input[b, i] · W[i, o] for `batch` rows. */
export function denseForward(layer: DenseLayer, input: Float32Array, batch: number, out: Float32Array): void {
  const { inputs, outputs, weights, bias } = layer;
  for (let b = 0; b < batch; b++) {
    const ob = b * outputs;
    for (let o = 0; o < outputs; o++) out[ob + o] = bias[o];
    const ib = b * inputs;
    for (let i = 0; i < inputs; i++) {
      const a = input[ib + i];
      if (a === 0) continue; // ReLU zeros: a third to a half of hidden activations
      const wi = i * outputs;
      for (let o = 0; o < outputs; o++) out[ob + o] += a * weights[wi + o];
    }
  }
}

export function reluInPlace(values: Float32Array, length: number): void {
  for (let i = 0; i < length; i++) if (values[i] < 0) values[i] = 0;
}

/** Row-wise softmax of `batch` rows of `k` logits, in place. */
export function softmaxInPlace(values: Float32Array, batch: number, k: number): void {
  for (let b = 0; b < batch; b++) {
    const at = b * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (values[at + c] > max) max = values[at + c];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(values[at + c] - max);
      values[at + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) values[at + c] /= sum;
  }
}

/**
 * out[b, o] = bias[o] + Σ_i input[b, i] · W[i, o], as dot products over the transposed weights
 * (wT[o * inputs + i]), four outputs at a time, each accumulated in a double: the input is read
 * once per four outputs and no partial sum goes through memory. Inference only (3× denseForward's
 * speed on a classify thread, where an ensemble's networks were a third of a beat's CPU); training
 * keeps denseForward, whose float32 sums its gradients were computed with.
 */
function denseForwardDot(
  inputs: number,
  outputs: number,
  wT: Float32Array,
  bias: Float32Array,
  input: Float32Array,
  batch: number,
  out: Float32Array,
  relu: boolean,
): void {
  for (let b = 0; b < batch; b++) {
    const ib = b * inputs;
    const ob = b * outputs;
    let o = 0;
    for (; o + 3 < outputs; o += 4) {
      const w0 = o * inputs;
      const w1 = w0 + inputs;
      const w2 = w1 + inputs;
      const w3 = w2 + inputs;
      let s0 = bias[o];
      let s1 = bias[o + 1];
      let s2 = bias[o + 2];
      let s3 = bias[o + 3];
      for (let i = 0; i < inputs; i++) {
        const a = input[ib + i];
        s0 += a * wT[w0 + i];
        s1 += a * wT[w1 + i];
        s2 += a * wT[w2 + i];
        s3 += a * wT[w3 + i];
      }
      out[ob + o] = relu && s0 < 0 ? 0 : s0;
      out[ob + o + 1] = relu && s1 < 0 ? 0 : s1;
      out[ob + o + 2] = relu && s2 < 0 ? 0 : s2;
      out[ob + o + 3] = relu && s3 < 0 ? 0 : s3;
    }
    for (; o < outputs; o++) {
      const w = o * inputs;
      let s = bias[o];
      for (let i = 0; i < inputs; i++) s += input[ib + i] * wT[w + i];
      out[ob + o] = relu && s < 0 ? 0 : s;
    }
  }
}

/** The inputs of a layer with a nonzero weight, in order. */
function liveInputs(layer: DenseLayer): number[] {
  const live: number[] = [];
  for (let i = 0; i < layer.inputs; i++)
    for (let o = 0; o < layer.outputs; o++)
      if (layer.weights[i * layer.outputs + o] !== 0) {
        live.push(i);
        break;
      }
  return live;
}

/** The layer reading only the `live` inputs. */
function compacted(layer: DenseLayer, live: readonly number[]): DenseLayer {
  const weights = new Float32Array(live.length * layer.outputs);
  live.forEach((i, k) =>
    weights.set(layer.weights.subarray(i * layer.outputs, (i + 1) * layer.outputs), k * layer.outputs),
  );
  return { inputs: live.length, outputs: layer.outputs, weights, bias: layer.bias };
}

/** Standardise the `columns` of `batch` raw feature rows into `out` (columns.length wide). */
function standardiseColumns(
  p: MlpParameters,
  raw: Float32Array,
  batch: number,
  columns: readonly number[],
  out: Float32Array,
): void {
  const d = p.mean.length;
  const w = columns.length;
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < w; k++) {
      const i = columns[k];
      out[b * w + k] = (raw[b * d + i] - p.mean[i]) * p.invStd[i];
    }
}

/** W (inputs × outputs, row-major) transposed to outputs × inputs. */
function transposed(layer: DenseLayer): Float32Array {
  const { inputs, outputs, weights } = layer;
  const t = new Float32Array(inputs * outputs);
  for (let i = 0; i < inputs; i++)
    for (let o = 0; o < outputs; o++) t[o * inputs + i] = weights[i * outputs + o];
  return t;
}

/**
 * Class probabilities of n raw feature rows (n × inputWidth) → n × classes. Works in blocks so a
 * day of beats needs no activations buffer of its own size.
 */
export function predictMlp(p: MlpParameters, raw: Float32Array, n: number): Float32Array {
  const d = inputWidth(p);
  if (raw.length !== n * d) throw new RangeError(`expected ${n} × ${d} features, got ${raw.length}`);
  const classes = p.layers[p.layers.length - 1].outputs;
  const out = new Float32Array(n * classes);
  const block = 512;
  const widest = Math.max(d, ...p.layers.map((l) => l.outputs));
  let a = new Float32Array(block * widest);
  let z = new Float32Array(block * widest);
  // Inputs whose weights are all zero are left out of the first layer: a scalars-only ensemble
  // member reads the full input with zero weights on the morphology (ensemble.ts readingInputOf),
  // three quarters of its first layer. The same sums, a term of exactly 0 fewer each.
  const live = liveInputs(p.layers[0]);
  const layers = live.length === d ? p.layers : [compacted(p.layers[0], live), ...p.layers.slice(1)];
  const wT = layers.map(transposed);
  const last = layers.length - 1;
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    standardiseColumns(p, raw.subarray(start * d, (start + rows) * d), rows, live, a);
    layers.forEach((layer, l) => {
      denseForwardDot(layer.inputs, layer.outputs, wT[l], layer.bias, a, rows, z, l < last);
      [a, z] = [z, a];
    });
    softmaxInPlace(a, rows, classes);
    out.set(a.subarray(0, rows * classes), start * classes);
  }
  return out;
}
