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
   * The last `scalarMembers` members read the scalar rhythm features alone (readingFullInput) and
   * judge only normal against supraventricular: the other members' average decides V, F and Q and
   * the mass N + S, which is then split between N and S by the product of the two groups' S odds
   * (a geometric mean: each group's S share counts equally). Why: an S beat has a normal QRS and
   * stands out by its timing, which the scalars-only networks read better on new patients, while
   * their V calls are worse (four DS1 folds, libs/training README "Version 5").
   */
  scalarMembers?: number;
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
  if (scalarMembers > 0) splitNormalAgainstS(out, averageOf(members.slice(morphologyMembers), rows, n), n);
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
/** `out`'s N + S mass, split by the product of out's and `rhythm`'s S odds (in place). */
function splitNormalAgainstS(out: Float32Array, rhythm: Float32Array, n: number): void {
  const k = out.length / Math.max(1, n);
  for (let b = 0; b < n; b++) {
    const at = b * k;
    const mass = out[at + N] + out[at + S];
    const a = rhythm[at + S] / (rhythm[at + N] + rhythm[at + S]);
    const m = out[at + S] / mass;
    const forS = Math.sqrt(a * m);
    const forN = Math.sqrt((1 - a) * (1 - m));
    // Both shares 0 cannot happen (a and m are in (0, 1) for a softmax); guard the 0/0 anyway.
    const share = forS + forN > 0 ? forS / (forS + forN) : m;
    out[at + S] = mass * share;
    out[at + N] = mass * (1 - share);
  }
}

/**
 * A network trained on the scalar rhythm features alone (morphology 'none'), rewritten to read the
 * full input of `spec` — zero weights on the morphology inputs in front of the scalars, so its
 * outputs are exactly the original's — and join an ensemble of members that read morphology.
 * Why such members: on held-out DS1 patients the scalars-only network's S calls are far more
 * often right than the morphology network's (SVEB +P 81–86 % against 55 % on two folds, libs/training
 * README), while its V calls are worse; EnsembleOptions.scalarMembers takes only its N-against-S
 * judgement, in one model file the workers read like any other.
 */
export function readingFullInput(p: MlpParameters, spec: RhythmInputSpec): MlpParameters {
  const width = rhythmInputWidth(spec);
  const extra = width - spec.scalarCount;
  if (inputWidth(p) !== spec.scalarCount)
    throw new RangeError(
      `a scalars-only network reads ${spec.scalarCount} inputs; this one reads ${inputWidth(p)}`,
    );
  const [first, ...rest] = p.layers;
  const weights = new Float32Array(width * first.outputs);
  weights.set(first.weights, extra * first.outputs);
  const mean = new Float32Array(width);
  mean.set(p.mean, extra);
  const invStd = new Float32Array(width).fill(1);
  invStd.set(p.invStd, extra);
  return { mean, invStd, layers: [{ ...first, inputs: width, weights }, ...rest] };
}
