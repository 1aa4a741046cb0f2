/**
 * BeatClassifier: batched per-beat class probabilities, the same API whatever runs underneath.
 * Engine choice ('auto'): on a GPU backend (tfjs-node-gpu) tfjs keeps the work on the GPU;
 * otherwise onnxruntime-node's native CPU kernels (fastest measured CPU path), and tfjs on the
 * current backend (wasm) when ORT cannot load. `engine: 'onnx' | 'tfjs'` forces one (the worker
 * passes HOLTERFLOW_INFERENCE_ENGINE); a forced engine that cannot start is an error.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { parseInferenceEnginePreference, type InferenceEnginePreference } from '@holterflow/contracts';
import { BEAT_LENGTH } from './architecture.js';
import { currentBackend } from './backend.js';
import type { EngineInfo, InferenceEngine } from './inference/engine.js';
import { OnnxEngine } from './inference/onnx-engine.js';
import { TfjsEngine } from './inference/tfjs-engine.js';

export type EnginePreference = InferenceEnginePreference;

export interface BeatClassifierOptions {
  engine?: EnginePreference;
  /** ORT intra-op threads (onnx engine); 1 by default. */
  onnxThreads?: number;
  log?: (line: string) => void;
}

export const parseEnginePreference = parseInferenceEnginePreference;

export class BeatClassifier {
  private constructor(private readonly engine: InferenceEngine) {}

  static async create(model: tfl.LayersModel, options: BeatClassifierOptions = {}): Promise<BeatClassifier> {
    const log = options.log ?? ((line: string) => console.info(line));
    const prefer = options.engine ?? 'auto';
    const onGpu = currentBackend()?.kind === 'gpu';
    let engine: InferenceEngine;
    let why: string;
    if (prefer === 'tfjs' || (prefer === 'auto' && onGpu)) {
      engine = new TfjsEngine(model);
      why = prefer === 'tfjs' ? 'forced' : 'the tfjs backend is on a GPU';
    } else {
      try {
        engine = await OnnxEngine.create(model, { threads: options.onnxThreads });
        why = prefer === 'onnx' ? 'forced' : 'fastest CPU engine';
      } catch (err) {
        if (prefer === 'onnx')
          throw new Error(`inference engine 'onnx' was forced but cannot start: ${(err as Error).message}`);
        engine = new TfjsEngine(model);
        why = `onnxruntime-node unavailable (${(err as Error).message})`;
      }
    }
    const { info } = engine;
    log(`[model] inference engine ${info.engine} on ${info.runtime}, ${info.threads} thread(s): ${why}`);
    return new BeatClassifier(engine);
  }

  get info(): EngineInfo {
    return this.engine.info;
  }

  /** `beats`: n beats of 187 samples (125 Hz, [0,1]) back to back → n×5 probabilities (N,S,V,F,Q). */
  async predict(beats: Float32Array, n: number): Promise<Float32Array> {
    if (!Number.isInteger(n) || n < 0 || beats.length !== n * BEAT_LENGTH)
      throw new Error(`predict needs ${n} × ${BEAT_LENGTH} samples, got ${beats.length}`);
    if (n === 0) return new Float32Array(0);
    return this.engine.predict(beats, n);
  }

  async dispose(): Promise<void> {
    await this.engine.dispose();
  }
}
