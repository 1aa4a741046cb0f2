/** The object-store methods training uses; libs/storage's ObjectStore has them. */
export interface TrainingStore {
  put(key: string, bytes: Uint8Array, options?: { contentType?: string }): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
}
