import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running a TypeScript module, the way the rest of the repo runs (through
 * tsx, no build step). Node 20 does not apply `--import tsx` to worker threads, so a tiny
 * bootstrap registers tsx's loader before importing the module.
 */
export function startTypeScriptThread(script: URL): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}
