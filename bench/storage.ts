/**
 * What storage operations cost against a real s3rver on loopback (the test/CI S3):
 *   node --import tsx bench/storage.ts
 * Prints one line per measurement. s3rver is far slower than S3 or MinIO per request, so read
 * these as an upper bound on our client overhead, not as production throughput.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ObjectStore, TransferCounter } from '@holterflow/storage';
import { startS3rver } from '../test/support/s3rver.js';

const MB = 1024 * 1024;

async function timed<T>(
  label: string,
  run: () => Promise<T>,
  detail: (result: T, ms: number) => string = () => '',
) {
  const t0 = performance.now();
  const result = await run();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(46)} ${ms.toFixed(0).padStart(7)} ms  ${detail(result, ms)}`);
  return result;
}

const s3 = await startS3rver({ bucket: 'bench' });
const store = new ObjectStore(s3.config);
try {
  const body = new Uint8Array(randomBytes(3 * MB));
  await timed(
    'put 3 MB x 10 (sequential)',
    async () => {
      for (let i = 0; i < 10; i++) await store.put(`blob/${i}`, body);
    },
    (_r, ms) => `${((30 / ms) * 1000).toFixed(1)} MB/s`,
  );
  await timed(
    'get 3 MB x 10 (sequential)',
    async () => {
      for (let i = 0; i < 10; i++) await store.get(`blob/${i}`);
    },
    (_r, ms) => `${((30 / ms) * 1000).toFixed(1)} MB/s`,
  );

  const total = 55 * MB; // docs/ARCHITECTURE.md: a 24 h two-lead recording is about 55 MB
  await timed(
    'upload 55 MB stream, 8 MiB parts',
    async () => {
      async function* chunks() {
        for (let sent = 0; sent < total; sent += MB) yield randomBytes(MB);
      }
      return store.upload('big/recording.bin', Readable.from(chunks()));
    },
    (r, ms) => `${r.parts} parts, ${((55 / ms) * 1000).toFixed(1)} MB/s`,
  );

  // One hour of two-lead 360 Hz signal in 131,072-row groups (libs/formats' default layout).
  const rows = 360 * 3600;
  const lead = (phase: number) => Float32Array.from({ length: rows }, (_, i) => Math.sin(i / 40 + phase));
  const parquet = parquetWriteBuffer({
    columnData: [
      { name: 'MLII', data: lead(0), type: 'FLOAT' },
      { name: 'V5', data: lead(1), type: 'FLOAT' },
    ],
    rowGroupSize: 1 << 17,
  });
  await store.put('rec/1h.parquet', new Uint8Array(parquet));
  const counter = new TransferCounter();
  const file = await store.asyncBuffer('rec/1h.parquet', counter);
  const metadata = await timed(
    'parquet footer (HEAD + footer GET)',
    () => parquetMetadataAsync(file),
    () =>
      `${counter.requests} requests, ${(counter.bytes / 1024).toFixed(0)} KiB of ${(parquet.byteLength / MB).toFixed(1)} MB file`,
  );
  counter.reset();
  const start = 5 * (1 << 17);
  await timed(
    'read one row group (131,072 rows x 2 leads)',
    () => parquetReadObjects({ file, metadata, rowStart: start, rowEnd: start + (1 << 17) }),
    (r) => `${r.length} rows, ${counter.requests} requests, ${(counter.bytes / MB).toFixed(2)} MB moved`,
  );

  const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
  await timed(
    'put 1,005 tiny objects (32 in flight)',
    async () => {
      for (let i = 0; i < keys.length; i += 32)
        await Promise.all(keys.slice(i, i + 32).map((k) => store.put(k, 'x')));
    },
    (_r, ms) => `${((keys.length / ms) * 1000).toFixed(0)} puts/s`,
  );
  await timed(
    'list 1,005 keys (2 pages)',
    async () => {
      let n = 0;
      for await (const _ of store.list('many/')) n++;
      return n;
    },
    (n) => `${n} keys`,
  );
} finally {
  store.destroy();
  await s3.stop();
}
