/** ObjectStore against a real s3rver over HTTP (test/support/s3rver.ts). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ObjectNotFound, ObjectStore, StorageError, TransferCounter } from '@holterflow/storage';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';

let s3: S3rverHandle;
let store: ObjectStore;

before(async () => {
  s3 = await startS3rver({ bucket: 'storage-test' });
  store = new ObjectStore(s3.config);
});

after(async () => {
  store?.destroy();
  await s3?.stop();
});

describe('put/get round trips are byte-exact', () => {
  for (const [name, bytes] of [
    ['empty', new Uint8Array(0)],
    ['1 byte', Uint8Array.of(0xff)],
    ['random 3 MB', new Uint8Array(randomBytes(3 * 1024 * 1024))],
  ] as const) {
    it(name, async () => {
      await store.put(`roundtrip/${name}`, bytes);
      const back = await store.get(`roundtrip/${name}`);
      assert.equal(back.byteLength, bytes.byteLength);
      assert.deepEqual(Buffer.from(back), Buffer.from(bytes));
      assert.equal((await store.head(`roundtrip/${name}`))?.size, bytes.byteLength);
    });
  }

  it('text and JSON (with a parser) come back equal', async () => {
    await store.put('roundtrip/text.txt', 'Holter µV ✓', { contentType: 'text/plain; charset=utf-8' });
    assert.equal(await store.getText('roundtrip/text.txt'), 'Holter µV ✓');
    await store.putJson('roundtrip/doc.json', { runId: 'r1', records: [100, 105] });
    const parsed = await store.getJson('roundtrip/doc.json', {
      parse: (v: unknown) => {
        assert.ok(typeof v === 'object' && v !== null && 'runId' in v);
        return v as { runId: string; records: number[] };
      },
    });
    assert.deepEqual(parsed, { runId: 'r1', records: [100, 105] });
  });

  it('getJson names the key when the parser rejects the value', async () => {
    await store.putJson('roundtrip/wrong-shape.json', { runId: 7 });
    const parser = {
      parse: (v: unknown) => {
        if (typeof (v as { runId?: unknown }).runId !== 'string')
          throw new TypeError('runId must be a string');
        return v as { runId: string };
      },
    };
    await assert.rejects(store.getJson('roundtrip/wrong-shape.json', parser), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.equal(err.code, 'InvalidJson');
      assert.match(err.message, /roundtrip\/wrong-shape\.json.*runId must be a string/);
      return true;
    });
  });

  it('getJson on a non-JSON object names the key', async () => {
    await store.put('roundtrip/not-json', '{oops');
    await assert.rejects(store.getJson('roundtrip/not-json'), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.equal(err.code, 'InvalidJson');
      assert.match(err.message, /s3:\/\/storage-test\/roundtrip\/not-json/);
      return true;
    });
  });
});

describe('multipart upload', () => {
  it('streams 20 MB through 4 parts and reads back the same bytes', async () => {
    const total = 20 * 1024 * 1024;
    const chunk = 1024 * 1024;
    const sent = createHash('sha256');
    // Chunks of odd sizes so part boundaries do not line up with chunk boundaries.
    async function* source() {
      let produced = 0;
      while (produced < total) {
        const piece = randomBytes(Math.min(chunk + 7, total - produced));
        sent.update(piece);
        produced += piece.byteLength;
        yield piece;
      }
    }
    const { parts } = await store.upload('multipart/20mb.bin', Readable.from(source()), {
      partSize: 5 * 1024 * 1024,
    });
    assert.equal(parts, 4);
    const received = createHash('sha256');
    let size = 0;
    for await (const piece of await store.getStream('multipart/20mb.bin')) {
      received.update(piece as Buffer);
      size += (piece as Buffer).byteLength;
    }
    assert.equal(size, total);
    assert.equal(received.digest('hex'), sent.digest('hex'));
  });

  it('uploads a stream smaller than one part byte-exact', async () => {
    const bytes = new Uint8Array(randomBytes(70_000));
    const { parts } = await store.upload(
      'multipart/small-stream.bin',
      Readable.from([bytes.subarray(0, 1), bytes.subarray(1)]),
    );
    assert.equal(parts, 1);
    assert.deepEqual(Buffer.from(await store.get('multipart/small-stream.bin')), Buffer.from(bytes));
  });

  it('uploads a buffer smaller than one part as a plain object', async () => {
    const bytes = new Uint8Array(randomBytes(1000));
    assert.equal((await store.upload('multipart/small.bin', bytes)).parts, 1);
    assert.deepEqual(Buffer.from(await store.get('multipart/small.bin')), Buffer.from(bytes));
  });
});

describe('ranged reads', () => {
  const size = 1000;
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7) % 256);
  before(async () => store.put('range/object.bin', bytes));

  it('returns exactly the requested bytes at the edges', async () => {
    assert.deepEqual(await store.getRange('range/object.bin', 0, 1), bytes.subarray(0, 1));
    assert.deepEqual(await store.getRange('range/object.bin', size - 1, size), bytes.subarray(size - 1));
    assert.deepEqual(await store.getRange('range/object.bin', 0, size), bytes);
    assert.deepEqual(await store.getRange('range/object.bin', 123, 456), bytes.subarray(123, 456));
  });

  it('clamps a range that runs past the end, and answers an empty range without a request', async () => {
    assert.deepEqual(await store.getRange('range/object.bin', 990, 5000), bytes.subarray(990));
    assert.equal((await store.getRange('range/object.bin', 10, 10)).byteLength, 0);
  });

  it('rejects a start past the end and a reversed range', async () => {
    await assert.rejects(store.getRange('range/object.bin', size, size + 10), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.equal(err.code, 'InvalidRange');
      assert.equal(err.attempts, 1);
      return true;
    });
    await assert.rejects(store.getRange('range/object.bin', 10, 5), RangeError);
  });

  it('asyncBuffer slices like ArrayBuffer.slice and counts bytes and requests', async () => {
    const counter = new TransferCounter();
    const file = await store.asyncBuffer('range/object.bin', counter);
    assert.equal(file.byteLength, size);
    assert.deepEqual(new Uint8Array(await file.slice(size - 8)), bytes.subarray(size - 8));
    assert.deepEqual(new Uint8Array(await file.slice(100, 200)), bytes.subarray(100, 200));
    assert.deepEqual(new Uint8Array(await file.slice(-4)), bytes.subarray(size - 4));
    // HEAD + three ranged GETs; 8 + 100 + 4 bytes.
    assert.deepEqual({ requests: counter.requests, bytes: counter.bytes }, { requests: 4, bytes: 112 });
  });

  it('hyparquet reads a Parquet file through asyncBuffer', async () => {
    const n = 5000;
    const mlii = Float32Array.from({ length: n }, (_, i) => Math.sin(i / 50));
    const parquet = parquetWriteBuffer({
      columnData: [{ name: 'MLII', data: mlii, type: 'FLOAT' }],
      rowGroupSize: 1000,
    });
    await store.put('range/signal.parquet', new Uint8Array(parquet));
    const file = await store.asyncBuffer('range/signal.parquet');
    const rows = await parquetReadObjects({ file, columns: ['MLII'], rowStart: 2000, rowEnd: 3000 });
    assert.equal(rows.length, 1000);
    assert.equal(rows[0].MLII, mlii[2000]);
    assert.equal(rows[999].MLII, mlii[2999]);
    // HEAD + at least the footer read; every request is counted with the bytes it moved.
    assert.ok(file.counter.requests >= 2);
    assert.ok(file.counter.bytes >= parquet.byteLength - 1, `${file.counter.bytes} bytes counted`);
  });
});

describe('listing, head, exists, delete', () => {
  it('lists more than 1,000 keys across pages, in key order', async () => {
    const count = 1005;
    const keys = Array.from({ length: count }, (_, i) => `many/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 32) {
      await Promise.all(keys.slice(i, i + 32).map((k) => store.put(k, 'x')));
    }
    const listed: string[] = [];
    for await (const o of store.list('many/')) {
      assert.equal(o.size, 1);
      listed.push(o.key);
    }
    assert.deepEqual(listed, keys);
  });

  it('lists with a small page size and only under the prefix', async () => {
    await store.put('pages/a', '1');
    await store.put('pages/b', '22');
    await store.put('pages/c', '333');
    await store.put('pagesX/d', '4');
    const listed = [];
    for await (const o of store.list('pages/', { pageSize: 2 })) listed.push([o.key, o.size]);
    assert.deepEqual(listed, [
      ['pages/a', 1],
      ['pages/b', 2],
      ['pages/c', 3],
    ]);
  });

  it('listPrefixes yields each folder under a prefix once, across pages, without its objects', async () => {
    // Five runs with several objects each, a loose object beside each (so that a page of two
    // keys is full before the listing ends), and a sibling prefix not to be listed.
    for (const run of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      for (const key of ['manifest.json', 'records/100/beats.parquet', 'records/232/beats.parquet'])
        await store.put(`folders/runs/${run}/${key}`, 'x');
      await store.put(`folders/runs/${run}.txt`, 'x');
    }
    await store.put('folders/runsX/r9/manifest.json', 'x');
    const listed: string[] = [];
    for await (const p of store.listPrefixes('folders/runs/', { pageSize: 2 })) listed.push(p);
    assert.deepEqual(
      listed,
      ['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => `folders/runs/${r}/`),
    );
    const nested: string[] = [];
    for await (const p of store.listPrefixes('folders/runs/r2/records/')) nested.push(p);
    assert.deepEqual(nested, ['folders/runs/r2/records/100/', 'folders/runs/r2/records/232/']);
    const none: string[] = [];
    for await (const p of store.listPrefixes('folders/nothing/')) none.push(p);
    assert.deepEqual(none, []);
  });

  it('head of a missing key is undefined; exists and delete agree', async () => {
    assert.equal(await store.head('missing/nothing-here'), undefined);
    await store.put('lifecycle/obj', 'data');
    assert.equal(await store.exists('lifecycle/obj'), true);
    await store.delete('lifecycle/obj');
    assert.equal(await store.exists('lifecycle/obj'), false);
    await store.delete('lifecycle/obj'); // deleting again is not an error
  });

  it('get of a missing key fails with ObjectNotFound naming bucket and key, without retries', async () => {
    await assert.rejects(store.get('runs/r1/records/100/summary.json'), (err: unknown) => {
      assert.ok(err instanceof ObjectNotFound);
      assert.equal(err.key, 'runs/r1/records/100/summary.json');
      assert.equal(err.bucket, 'storage-test');
      assert.equal(err.operation, 'get');
      assert.equal(err.attempts, 1);
      assert.match(err.message, /s3:\/\/storage-test\/runs\/r1\/records\/100\/summary\.json/);
      return true;
    });
    await assert.rejects(store.asyncBuffer('missing/recording.parquet'), ObjectNotFound);
  });

  it('ensureBucket is idempotent', async () => {
    await store.ensureBucket();
    await store.ensureBucket();
    assert.equal(await store.exists('roundtrip/1 byte'), true);
  });
});
