/**
 * Inference with onnxruntime-node's native CPU kernels (MLAS) on the model exported by
 * onnx/export.ts. On this kind of machine it runs the seed CNN ~4× faster per core than
 * tfjs-wasm and above PyTorch's per-core rate (bench/model-inference.ts), so it is the default
 * CPU path. One intra-op thread by default: workers scale by process/job concurrency, and ORT
 * threads would compete with them for the same cores.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { InferenceSession } from 'onnxruntime-node';
import { BEAT_LENGTH, NUM_CLASSES } from '../architecture.js';
import { exportSeedCnnToOnnx, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from '../onnx/export.js';
import type { EngineInfo, InferenceEngine } from './engine.js';

type Ort = typeof import('onnxruntime-node');

export interface OnnxEngineOptions {
  /** ORT intra-op threads (default 1). */
  threads?: number;
  /** Beats per session.run; 256 was the fastest on this machine (larger batches fall out of cache). */
  batchSize?: number;
}

export class OnnxEngine implements InferenceEngine {
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly batchSize: number,
    readonly info: EngineInfo,
  ) {}

  /** Exports `model` (or takes ready .onnx bytes) and opens an ORT session on it. */
  static async create(
    model: tfl.LayersModel | Uint8Array,
    options: OnnxEngineOptions = {},
  ): Promise<OnnxEngine> {
    const threads = options.threads ?? 1;
    // Imported here, not at the top: a host without ORT's native binary still gets tfjs inference.
    const ort = (await import('onnxruntime-node')) as Ort;
    const bytes = model instanceof Uint8Array ? model : exportSeedCnnToOnnx(model);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OnnxEngine(ort, session, options.batchSize ?? 256, {
      engine: 'onnx',
      runtime: 'onnxruntime-node cpu',
      threads,
    });
  }

  async predict(beats: Float32Array, n: number): Promise<Float32Array> {
    const out = new Float32Array(n * NUM_CLASSES);
    for (let start = 0; start < n; start += this.batchSize) {
      const count = Math.min(this.batchSize, n - start);
      const input = new this.ort.Tensor(
        'float32',
        beats.subarray(start * BEAT_LENGTH, (start + count) * BEAT_LENGTH),
        [count, BEAT_LENGTH],
      );
      const result = await this.session.run({ [ONNX_INPUT_NAME]: input });
      out.set(result[ONNX_OUTPUT_NAME].data as Float32Array, start * NUM_CLASSES);
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
