/**
 * A rhythm model version on disk or S3: the same two file names as a tfjs model (model.json,
 * weights.bin) so the registry, `models push/promote` and the workers' model cache need no second
 * convention; model.json says which kind it is (`format`), what the input is made of and how the
 * weights are laid out.
 */
import { z } from 'zod';
import { MODEL_JSON } from '@holterflow/contracts';
import { WEIGHTS_BIN, type ModelStore } from '../io.js';
import { inputWidth, type MlpParameters } from './mlp.js';
import { rhythmInputWidth, type RhythmInputSpec } from './input.js';

export const RHYTHM_MODEL_FORMAT = 'holterflow-rhythm-mlp';
/** The registered architecture name (config.json, metrics.json, GET /models). */
export const RHYTHM_ARCHITECTURE = 'holterflow_rhythm_mlp';

const rhythmModelJson = z.object({
  format: z.literal(RHYTHM_MODEL_FORMAT),
  architecture: z.literal(RHYTHM_ARCHITECTURE),
  /** libs/ecg RHYTHM_FEATURES_VERSION and SEGMENTATION_VERSION the model was trained on. */
  featuresVersion: z.string(),
  segmentation: z.string(),
  /** Seconds of beats needed on each side of a beat (libs/ecg RHYTHM_CONTEXT_SECONDS). */
  contextSeconds: z.number().nonnegative(),
  scalarFeatures: z.array(z.string()),
  input: z.object({
    morphology: z.enum(['none', 'difference', 'cut+difference']),
    beatStride: z.number().int().positive(),
    scalarCount: z.number().int().nonnegative(),
  }),
  /** Layer widths from input to output (every member has the same). */
  widths: z.array(z.number().int().positive()).min(2),
  /** Networks whose probabilities are averaged (weights.bin holds them one after another). */
  members: z.number().int().positive().optional(),
  /** Per-class factors on the averaged probabilities (N, S, V, F, Q), chosen on held-out records. */
  classScale: z.array(z.number().positive()).length(5).optional(),
  /** The last members read the scalar features alone and judge N against S (ensemble.ts). */
  scalarMembers: z.number().int().positive().optional(),
  /** Their weight against the others in the N-against-S split (ensemble.ts); 0.5 when absent. */
  scalarWeight: z.number().min(0).max(1).optional(),
  weightsFile: z.string(),
});
export type RhythmModelJson = z.infer<typeof rhythmModelJson>;

/** A model.json with the fields every rhythm model has the same filled in. */
export function rhythmModelDescription(
  fields: Omit<RhythmModelJson, 'format' | 'architecture' | 'weightsFile'>,
): RhythmModelJson {
  return {
    format: RHYTHM_MODEL_FORMAT,
    architecture: RHYTHM_ARCHITECTURE,
    ...fields,
    weightsFile: WEIGHTS_BIN,
  };
}

export interface RhythmModel {
  description: RhythmModelJson;
  /** One network per member (description.members, default 1). */
  members: MlpParameters[];
}

/** Is this model.json (parsed) a rhythm model's? (else it is a tfjs layers model). */
export function isRhythmModelJson(json: unknown): boolean {
  return (
    typeof json === 'object' && json !== null && (json as { format?: unknown }).format === RHYTHM_MODEL_FORMAT
  );
}

function flatten(members: readonly MlpParameters[]): Float32Array {
  const parts = members.flatMap((p) => [p.mean, p.invStd, ...p.layers.flatMap((l) => [l.weights, l.bias])]);
  const out = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function rhythmModelFiles(model: RhythmModel): { modelJson: Uint8Array; weights: Uint8Array } {
  const d = model.description;
  if ((d.members ?? 1) !== model.members.length)
    throw new RangeError(`model.json says ${d.members ?? 1} members; ${model.members.length} are given`);
  if (
    d.widths[0] !== rhythmInputWidth(d.input as RhythmInputSpec) ||
    model.members.some((p) => d.widths[0] !== inputWidth(p))
  )
    throw new RangeError(`model input width ${d.widths[0]} does not match its input spec or parameters`);
  const flat = flatten(model.members);
  return {
    modelJson: new TextEncoder().encode(JSON.stringify(d, null, 2)),
    weights: new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength),
  };
}

export async function saveRhythmModel(model: RhythmModel, store: ModelStore, prefix: string): Promise<void> {
  const { modelJson, weights } = rhythmModelFiles(model);
  const key = (f: string) => (prefix ? `${prefix.replace(/\/+$/, '')}/${f}` : f);
  // Weights first, so a model.json never points at missing weights.
  await store.put(key(WEIGHTS_BIN), weights, { contentType: 'application/octet-stream' });
  await store.put(key(MODEL_JSON), modelJson, { contentType: 'application/json' });
}

/** Parses model.json + weights.bin bytes; errors name the file and the problem. */
export function parseRhythmModel(modelJson: Uint8Array, weights: Uint8Array, name = MODEL_JSON): RhythmModel {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(modelJson));
  } catch (err) {
    throw new Error(`${name} is not JSON: ${(err as Error).message}`);
  }
  const parsed = rhythmModelJson.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${name} is not a rhythm model description: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const d = parsed.data;
  const widths = d.widths;
  const count = d.members ?? 1;
  if ((d.scalarMembers ?? 0) >= count)
    throw new Error(
      `${name}: ${d.scalarMembers} of its ${count} members are scalars-only; at least one must read morphology`,
    );
  const perMember = 2 * widths[0] + widths.slice(1).reduce((n, w, l) => n + widths[l] * w + w, 0);
  const expected = count * perMember;
  if (weights.byteLength !== expected * 4)
    throw new Error(`${d.weightsFile} has ${weights.byteLength} bytes; ${name} describes ${expected * 4}`);
  // A copy, aligned: the bytes may be a view into a pooled buffer.
  const flat = new Float32Array(weights.slice().buffer);
  let at = 0;
  const take = (n: number) => flat.subarray(at, (at += n));
  const members = Array.from({ length: count }, () => {
    const mean = take(widths[0]);
    const invStd = take(widths[0]);
    const layers = widths.slice(1).map((outputs, l) => {
      const inputs = widths[l];
      return { inputs, outputs, weights: take(inputs * outputs), bias: take(outputs) };
    });
    return { mean, invStd, layers };
  });
  return { description: d, members };
}

export async function loadRhythmModel(store: ModelStore, prefix: string): Promise<RhythmModel> {
  const key = (f: string) => (prefix ? `${prefix.replace(/\/+$/, '')}/${f}` : f);
  return parseRhythmModel(
    await store.get(key(MODEL_JSON)),
    await store.get(key(WEIGHTS_BIN)),
    key(MODEL_JSON),
  );
}
