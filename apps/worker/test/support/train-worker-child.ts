/**
 * A training worker process for the kill-and-resume test: a BullMQ Worker on the train queue
 * running the train role's processor, with a short lock so a killed worker's job is found
 * stalled within seconds. Prints one JSON line per job progress event.
 * Env: HOLTERFLOW_REDIS_URL, HOLTERFLOW_QUEUE_PREFIX, TRAIN_CHILD_STORAGE (StorageConfig JSON).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES, queueEnvFromEnv, readVariable } from '@holterflow/contracts';
import { ObjectStore, type StorageConfig } from '@holterflow/storage';
import { runJob } from '../../src/job-runner.js';
import { trainModel } from '../../src/train/train.processor.js';

const { redisUrl, queuePrefix } = queueEnvFromEnv(process.env);
const tfBackend = readVariable(process.env, 'HOLTERFLOW_TF_BACKEND');
const store = new ObjectStore(JSON.parse(process.env.TRAIN_CHILD_STORAGE!) as StorageConfig);
const worker = new Worker(
  QUEUES.train,
  (job, _token, signal) =>
    runJob(QUEUES.train, job, signal, (payload) =>
      trainModel(payload, job, { storeFor: () => store, signal, tfBackend }),
    ),
  {
    connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
    prefix: queuePrefix,
    lockDuration: 4000,
    stalledInterval: 1000,
  },
);
worker.on('progress', (_job, progress) => console.log(JSON.stringify(progress)));
worker.on('ready', () => console.log(JSON.stringify({ ready: true })));
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
