/**
 * A model version's files, fetched from S3 once per process and bucket (the classify threads
 * each load them once). A failed fetch is forgotten so the next job tries again.
 */
import { Inject, Injectable } from '@nestjs/common';
import { keys, MODEL_JSON } from '@holterflow/contracts';
import { WEIGHTS_BIN } from '@holterflow/model';
import { ObjectStores } from '../stores.js';
import { contextSecondsOf } from './beat-predictor.js';
import type { ModelFiles } from './classify-thread-protocol.js';

@Injectable()
export class ModelFilesCache {
  private readonly files = new Map<string, Promise<ModelFiles>>();

  constructor(@Inject(ObjectStores) private readonly stores: ObjectStores) {}

  get(bucket: string, version: string): Promise<ModelFiles> {
    const id = `${bucket}/${version}`;
    let files = this.files.get(id);
    if (!files) {
      const store = this.stores.forBucket(bucket);
      files = Promise.all([
        store.get(keys.modelFile(version, MODEL_JSON)),
        store.get(keys.modelFile(version, WEIGHTS_BIN)),
      ]).then(([modelJson, weights]) => ({
        version,
        modelJson,
        weights,
        contextSeconds: contextSecondsOf(modelJson),
      }));
      files.catch(() => this.files.delete(id));
      this.files.set(id, files);
    }
    return files;
  }
}
