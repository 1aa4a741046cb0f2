/**
 * A rhythm model of one or more networks (an ensemble over training seeds): the class
 * probabilities are the mean of the members', then scaled per class and renormalised. The scale
 * is a prior calibration chosen on held-out records: a network trained with class weights on
 * other patients is not calibrated to a new patient's class mix, and moving the decision
 * boundary for S against N is the cheapest lever on its S sensitivity (measured, libs/training
 * README). One member and no scale: exactly predictMlp. Scalars-only members (EnsembleOptions)
 * change how the groups combine.
 */
import { inputWidth, predictMlp, type MlpParameters } from './mlp.js';
import { rhythmInputWidth, type RhythmInputSpec } from './input.js';

export interface EnsembleOptions {
  /** Per-class factors on the combined probabilities, then renormalised (N, S, V, F, Q). */
  classScale?: readonly number[];
  /**
   * The last `scalarMembers` members read the scalar rhythm features alone (readingInputOf) and
   * judge only normal against supraventricular: the other members' average decides V, F and Q and
   * the mass N + S, which is then split between N and S by a geometric mean of the two groups' S
   * shares (scalarWeight). Why: an S beat has a normal QRS and
   * stands out by its timing, which the scalars-only networks read better on new patients, while
   * their V calls are worse (four DS1 folds, libs/training README "Version 5").
   */
  scalarMembers?: number;
  /**
   * The scalars-only group's weight in that geometric mean, in [0, 1]: 0.5 (the default) counts
   * both groups' S share equally, 1 leaves N against S to the scalars-only networks alone.
   */
  scalarWeight?: number;
}

export function predictEnsemble(
  members: readonly MlpParameters[],
  rows: Float32Array,
  n: number,
  options: EnsembleOptions = {},
): Float32Array {
  const { classScale } = options;
  const scalarMembers = options.scalarMembers ?? 0;
  const morphologyMembers = members.length - scalarMembers;
  if (morphologyMembers <= 0)
    throw new RangeError(
      `an ensemble needs a member that reads morphology (${members.length} members, ${scalarMembers} scalars-only)`,
    );
  const out = averageOf(members.slice(0, morphologyMembers), rows, n);
  const scalarWeight = options.scalarWeight ?? 0.5;
  if (!(scalarWeight >= 0 && scalarWeight <= 1))
    throw new RangeError(`scalarWeight is a weight in [0, 1], got ${scalarWeight}`);
  if (scalarMembers > 0)
    splitNormalAgainstS(out, averageOf(members.slice(morphologyMembers), rows, n), n, scalarWeight);
  if (!classScale) return out;
  const k = out.length / Math.max(1, n);
  for (let b = 0; b < n; b++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = out[b * k + c] * classScale[c];
      out[b * k + c] = v;
      sum += v;
    }
    for (let c = 0; c < k; c++) out[b * k + c] /= sum;
  }
  return out;
}

/** The members' mean probabilities (one member: exactly predictMlp). */
function averageOf(members: readonly MlpParameters[], rows: Float32Array, n: number): Float32Array {
  const out = predictMlp(members[0], rows, n);
  if (members.length === 1) return out;
  for (let m = 1; m < members.length; m++) {
    const p = predictMlp(members[m], rows, n);
    for (let i = 0; i < out.length; i++) out[i] += p[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= members.length;
  return out;
}

const N = 0;
const S = 1;
/**
 * `out`'s N + S mass, split by the weighted geometric mean of out's and `rhythm`'s S shares
 * (`weight` on rhythm's), in place.
 */
function splitNormalAgainstS(out: Float32Array, rhythm: Float32Array, n: number, weight: number): void {
  const k = out.length / Math.max(1, n);
  // Equal weights take the square root, as every model before the weight existed was scored.
  const mean =
    weight === 0.5
      ? (x: number, y: number) => Math.sqrt(x * y)
      : (x: number, y: number) => x ** weight * y ** (1 - weight);
  for (let b = 0; b < n; b++) {
    const at = b * k;
    const mass = out[at + N] + out[at + S];
    const a = rhythm[at + S] / (rhythm[at + N] + rhythm[at + S]);
    const m = out[at + S] / mass;
    const forS = mean(a, m);
    const forN = mean(1 - a, 1 - m);
    // Both shares 0 cannot happen (a and m are in (0, 1) for a softmax); guard the 0/0 anyway.
    const share = forS + forN > 0 ? forS / (forS + forN) : m;
    out[at + S] = mass * share;
    out[at + N] = mass * (1 - share);
  }
}

/** What a network reads: its input spec and the scalar features, by name, in its columns' order. */
export interface InputLayout {
  spec: RhythmInputSpec;
  features: readonly string[];
}

/**
 * A network trained on the input `from`, rewritten to read the input `to` — its morphology columns
 * (if it read any; then `to` has the same) and its scalar features wherever `to` has them, zero
 * weights on every other input, so its outputs are exactly the original's — to join an ensemble
 * whose members were trained on different inputs: a scalars-only network (morphology 'none')
 * beside members that read morphology, and members that read different features (the model's
 * scalarFeatures are then their union).
 * Why scalars-only members: on held-out DS1 patients their S calls are far more often right than
 * the morphology network's (SVEB +P 81–86 % against 55 % on two folds, libs/training README),
 * while their V calls are worse; EnsembleOptions.scalarMembers takes only their N-against-S
 * judgement, in one model file the workers read like any other.
 */
export function readingInputOf(p: MlpParameters, from: InputLayout, to: InputLayout): MlpParameters {
  const fromMorphology = rhythmInputWidth(from.spec) - from.spec.scalarCount;
  const toMorphology = rhythmInputWidth(to.spec) - to.spec.scalarCount;
  if (from.features.length !== from.spec.scalarCount || to.features.length !== to.spec.scalarCount)
    throw new RangeError('an input layout names as many features as its spec has scalars');
  if (inputWidth(p) !== rhythmInputWidth(from.spec))
    throw new RangeError(
      `the network reads ${inputWidth(p)} inputs; its layout has ${rhythmInputWidth(from.spec)}`,
    );
  if (
    fromMorphology > 0 &&
    (from.spec.morphology !== to.spec.morphology || from.spec.beatStride !== to.spec.beatStride)
  )
    throw new RangeError(
      `a network reading morphology ${from.spec.morphology}/${from.spec.beatStride} cannot read ${to.spec.morphology}/${to.spec.beatStride}`,
    );
  // Column j of `from` is column columnOf[j] of `to`.
  const columnOf = [
    ...Array.from({ length: fromMorphology }, (_, j) => j),
    ...from.features.map((name) => {
      const at = to.features.indexOf(name);
      if (at < 0) throw new RangeError(`the wider input has no feature ${name}`);
      return toMorphology + at;
    }),
  ];
  const width = rhythmInputWidth(to.spec);
  const [first, ...rest] = p.layers;
  const weights = new Float32Array(width * first.outputs);
  const mean = new Float32Array(width);
  const invStd = new Float32Array(width).fill(1);
  columnOf.forEach((c, j) => {
    weights.set(first.weights.subarray(j * first.outputs, (j + 1) * first.outputs), c * first.outputs);
    mean[c] = p.mean[j];
    invStd[c] = p.invStd[j];
  });
  return { mean, invStd, layers: [{ ...first, inputs: width, weights }, ...rest] };
}
