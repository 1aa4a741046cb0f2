/**
 * A fake of the S3 boundary for unit tests: a Map behind the three TrainingStore methods.
 * (The queue and end-to-end tests use a real s3rver.)
 */
import type { TrainingStore } from '../../src/index.js';

export function memoryStore(): TrainingStore & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    async put(key, bytes) {
      objects.set(key, bytes.slice());
    },
    async get(key) {
      const bytes = objects.get(key);
      if (!bytes) throw new Error(`no object ${key}`);
      return bytes.slice();
    },
    async exists(key) {
      return objects.has(key);
    },
  };
}
