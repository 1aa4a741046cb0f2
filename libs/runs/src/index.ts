/** @holterflow/runs — the run manifest's one owner, used by the coordinator and the workers. */
export * from './run-manifest.js';
