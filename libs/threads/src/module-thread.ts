import { Worker } from 'node:worker_threads';

/**
 * The URL of a sibling module of `importerUrl` (pass `import.meta.url`) in the same build:
 * `<name>.js` beside compiled JavaScript in dist/, `<name>.ts` beside a source file run by tsx.
 */
export function siblingModule(name: string, importerUrl: string): URL {
  return new URL(`./${name}${importerUrl.endsWith('.ts') ? '.ts' : '.js'}`, importerUrl);
}

/**
 * Starts a worker thread running a module of this repo. Compiled JavaScript (dist/) starts as
 * it is. A TypeScript source needs tsx, and Node 20 does not apply `--import tsx` to worker
 * threads, so a tiny bootstrap registers tsx's loader before importing the module. `workerData`
 * reaches the module as node:worker_threads' workerData (threads read settings from it, never
 * from process.env).
 */
export function startModuleThread(script: URL, workerData?: unknown): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
