/**
 * @holterflow/threads — worker-thread plumbing shared by the classify threads (apps/worker) and
 * the gradient threads (libs/training): starting a module of this repo on a thread (compiled
 * JavaScript as it is, a TypeScript source through tsx), and the one-request-at-a-time channel
 * both talk to it through.
 */
export * from './module-thread.js';
export * from './thread-channel.js';
