/**
 * One place that picks and initialises the TensorFlow.js backend (docs/ARCHITECTURE.md "Services"):
 * tfjs-node-gpu, then tfjs-node, then wasm, then the pure-JS cpu backend. The choice is made once
 * at start, logged with the reason every faster candidate was skipped, and kept for
 * /admin/workers (currentBackend()).
 *
 * The native backends are optional dependencies (their install downloads libtensorflow, which
 * machines without internet to that host cannot do), so they are imported dynamically and their
 * absence is a normal skip. They must register into OUR @tensorflow/tfjs-core: tfjs-node 4.22.0
 * depends on tfjs-core 4.22.0 exactly, so keep this repo's tfjs-core at 4.22.0 for npm to
 * dedupe to one copy; a second nested copy would register 'tensorflow' into an engine we never
 * use, which initBackend detects and reports instead of silently running on another backend.
 *
 * `prefer` forces one backend (apps pass HOLTERFLOW_TF_BACKEND: this library reads no environment);
 * a forced backend that cannot load is an error.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  TF_BACKENDS,
  parseTfBackendPreference,
  type TfBackend,
  type TfBackendPreference,
} from '@holterflow/contracts';
import { registerWasmTrainingKernels } from './kernels/register.js';

/** The backends in the order `auto` tries them (the list lives with the configuration schema). */
export const BACKEND_CHOICES = TF_BACKENDS;
export type BackendChoice = TfBackend;
export type BackendPreference = TfBackendPreference;
export type BackendKind = 'gpu' | 'native-cpu' | 'wasm' | 'js-cpu';

export interface BackendInfo {
  /** Which candidate runs ('tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu'). */
  name: BackendChoice;
  /** tfjs's own backend name (tf.getBackend()): 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  kind: BackendKind;
  /** wasm only: whether the SIMD build was loaded. */
  simd?: boolean;
  /** wasm only: threads of the wasm thread pool (1 in Node, where tfjs-wasm has no threads). */
  threads?: number;
  /** @tensorflow/tfjs-core version (and the native binding's, for tfjs-node). */
  version: string;
  /** Candidates tried before this one and why they did not run. */
  skipped: { name: BackendChoice; reason: string }[];
}

export interface InitBackendOptions {
  /** 'auto' (the default) tries the candidates in order; a name forces that one. */
  prefer?: BackendPreference;
  /** Where the choice is logged; console.info by default. */
  log?: (line: string) => void;
}

const KIND: Record<BackendChoice, BackendKind> = {
  'tfjs-node-gpu': 'gpu',
  'tfjs-node': 'native-cpu',
  wasm: 'wasm',
  cpu: 'js-cpu',
};

let current: BackendInfo | undefined;

/** The backend initBackend chose, for /admin/workers; undefined before initBackend ran. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** `auto` or one of BACKEND_CHOICES (HOLTERFLOW_TF_BACKEND and the CLI's --backend take these). */
export const parseBackendPreference = parseTfBackendPreference;

async function activate(name: string): Promise<void> {
  // setBackend reports a failed init by returning false (and logging), not by throwing.
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
}

async function loadNative(pkg: 'tfjs-node-gpu' | 'tfjs-node'): Promise<Partial<BackendInfo>> {
  const specifier = `@tensorflow/${pkg}`;
  let mod: { version?: Record<string, string> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new Error(
      `${specifier} is not installed or its native binding did not load (${(err as Error).message})`,
    );
  }
  if (!tf.findBackendFactory('tensorflow'))
    throw new Error(
      `${specifier} registered its backend into another copy of @tensorflow/tfjs-core; ` +
        `pin @tensorflow/tfjs-core to the version it depends on so npm installs one copy`,
    );
  await activate('tensorflow');
  if (pkg === 'tfjs-node-gpu' && !(await hasGpu()))
    throw new Error('tfjs-node-gpu loaded but TensorFlow sees no GPU (CUDA/cuDNN missing?)');
  return { tfBackend: 'tensorflow', version: `${tf.version_core} (${pkg} ${mod.version?.[pkg] ?? '?'})` };
}

/**
 * tfjs-node-gpu falls back to CPU kernels when CUDA is missing; ask TensorFlow what it has
 * (NodeJSKernelBackend keeps the answer in isUsingGpuDevice, from binding.isUsingGpuDevice()).
 */
async function hasGpu(): Promise<boolean> {
  const backend = tf.backend() as unknown as {
    isUsingGpuDevice?: boolean;
    binding?: { isUsingGpuDevice?: () => boolean };
  };
  return backend.isUsingGpuDevice ?? backend.binding?.isUsingGpuDevice?.() ?? false;
}

async function loadWasm(): Promise<Partial<BackendInfo>> {
  // In Node the wasm binaries are read from the package's dist directory by file path.
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  registerWasmTrainingKernels();
  await activate('wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { tfBackend: 'wasm', simd, threads: multithread ? undefined : 1, version: tf.version_core };
}

async function loadCpu(): Promise<Partial<BackendInfo>> {
  await activate('cpu');
  return { tfBackend: 'cpu', version: tf.version_core };
}

const LOADERS: Record<BackendChoice, () => Promise<Partial<BackendInfo>>> = {
  'tfjs-node-gpu': () => loadNative('tfjs-node-gpu'),
  'tfjs-node': () => loadNative('tfjs-node'),
  wasm: loadWasm,
  cpu: loadCpu,
};

export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const log = options.log ?? ((line: string) => console.info(line));
  const prefer = options.prefer ?? 'auto';
  const candidates: readonly BackendChoice[] = prefer === 'auto' ? BACKEND_CHOICES : [prefer];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of candidates) {
    try {
      const loaded = await LOADERS[name]();
      current = { name, kind: KIND[name], tfBackend: '', version: '', ...loaded, skipped };
      const extras =
        current.kind === 'wasm' ? `, simd ${current.simd}, threads ${current.threads ?? 'pool'}` : '';
      const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
      log(
        `[model] TensorFlow.js backend ${name} (${current.kind}${extras}, tfjs ${current.version})` +
          (why ? `; skipped ${why}` : ''),
      );
      return current;
    } catch (err) {
      if (prefer !== 'auto')
        throw new Error(
          `TensorFlow.js backend '${name}' was forced but cannot load: ${(err as Error).message}`,
        );
      skipped.push({ name, reason: (err as Error).message });
    }
  }
  throw new Error(
    `no TensorFlow.js backend could load: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`,
  );
}
