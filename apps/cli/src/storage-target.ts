/**
 * Which S3 endpoint and bucket a command talks to, said on stderr whenever that is not the
 * built-in default stack — a user with two stacks on one machine should never wonder which one answered.
 */
import {
  LOCAL_STACK_ENDPOINT,
  LOCAL_STACK_S3,
  storageConfigFromEnv,
  type StorageConfig,
} from '@holterflow/storage';
import { sourceOf } from './checkout-env.js';

let announced = false;

/** storageConfigFromEnv(process.env), announced on stderr once when it is not the built-in stack. */
export function storageForCommand(bucket?: string): StorageConfig {
  const config = storageConfigFromEnv(process.env);
  const effective = { ...config, ...(bucket ? { bucket } : {}) };
  if (
    !announced &&
    (effective.endpoint !== LOCAL_STACK_ENDPOINT || effective.bucket !== LOCAL_STACK_S3.bucket)
  ) {
    announced = true;
    console.error(
      `holterflow: S3 ${effective.endpoint ?? 'AWS'}, bucket ${effective.bucket} (${sourceOf('HOLTERFLOW_S3_ENDPOINT')})`,
    );
  }
  return effective;
}
