/**
 * @holterflow/threads — worker-thread plumbing shared by the classify threads (apps/worker) and
 * the gradient threads (libs/training): starting a TypeScript module on a thread, and the
 * one-request-at-a-time channel both talk to it through.
 */
export * from './typescript-thread.js';
