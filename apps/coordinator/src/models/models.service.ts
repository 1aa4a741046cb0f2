import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  ModelVersionError,
  listModelVersions,
  objectModelStore,
  setDefaultModelVersion,
  type DefaultChange,
  type ModelStore,
} from '@holterflow/registry';
import type { DefaultModelAnswer, ModelListing } from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';
import { OBJECT_STORE } from '../storage/storage.module.js';

/** The model versions of the coordinator's bucket, and which one new runs use by default. */
@Injectable()
export class ModelsService {
  private readonly store: ModelStore;

  constructor(@Inject(OBJECT_STORE) objects: ObjectStore) {
    this.store = objectModelStore(objects);
  }

  list(): Promise<ModelListing> {
    return listModelVersions(this.store);
  }

  /** 404 for a version that does not exist (or has no model.json yet). */
  async setDefault(version: string): Promise<DefaultModelAnswer> {
    let change: DefaultChange;
    try {
      change = await setDefaultModelVersion(this.store, version);
    } catch (err) {
      if (err instanceof ModelVersionError) throw new NotFoundException(err.message);
      throw err;
    }
    return { previous: change.previous ?? null, default: change.current };
  }
}
