/**
 * The model registry against a real S3 server (s3rver) and against a directory: listing with
 * figures from metrics.json, broken versions listed with their problem, the default marked, and
 * promote → models/DEFAULT → resolveModelVersion.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { keys } from '@holterflow/contracts';
import { ObjectStore } from '@holterflow/storage';
import {
  ModelVersionError,
  directoryModelStore,
  listModelVersions,
  objectModelStore,
  resolveModelVersion,
  setDefaultModelVersion,
  type ModelStore,
} from '@holterflow/registry';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';

let s3: S3rverHandle;
let objects: ObjectStore;
let store: ModelStore;

/** A metrics.json as libs/training's publish writes it (the fields the registry reads, and more). */
function metrics(version: string, over: Record<string, unknown>) {
  return JSON.stringify({
    version,
    protocol: 'intra',
    complete: true,
    test: { accuracy: 0.9, macroF1: 0.8, perClass: [] },
    bestEpoch: 3,
    epochs: 5,
    plannedEpochs: 40,
    stoppedEarly: true,
    trainingSeconds: 120.5,
    backend: 'wasm',
    ...over,
  });
}

/** What the tests put in a store: two good versions (v10 after v2 by number), two broken ones. */
const FILES: Record<string, string> = {
  'models/v2/model.json': '{}',
  'models/v2/metrics.json': metrics('v2', {
    test: { accuracy: 0.9657, macroF1: 0.8664 },
    complete: false,
    note: 'interim version: best of 6 of up to 40 epochs',
    bestEpoch: 6,
    epochs: 6,
  }),
  'models/v10/model.json': '{}',
  'models/v10/metrics.json': metrics('v10', { protocol: 'inter', test: { accuracy: 0.91, macroF1: 0.71 } }),
  // Training died between metrics.json (unreadable here) and model.json.
  'models/broken/metrics.json': '{"version": "broken", "test": {',
  // A model saved without training metrics (tests' saveSeedModel does this).
  'models/bare/model.json': '{}',
};

async function putAll(target: ModelStore): Promise<void> {
  for (const [key, text] of Object.entries(FILES)) await target.putText(key, text);
}

before(async () => {
  s3 = await startS3rver({ bucket: 'registry-test' });
  objects = new ObjectStore(s3.config);
  store = objectModelStore(objects);
  await putAll(store);
});

after(async () => {
  objects?.destroy();
  await s3?.stop();
});

test('listModelVersions: one entry per version in numeric name order, figures from metrics.json, broken ones with their problem', async () => {
  const listing = await listModelVersions(store);
  assert.equal(listing.defaultVersion, null);
  assert.deepEqual(listing.problems, []);
  assert.deepEqual(
    listing.versions.map((v) => v.version),
    ['bare', 'broken', 'v2', 'v10'],
  );
  const [bare, broken, v2, v10] = listing.versions;
  assert.deepEqual(
    { ...v2, lastModified: typeof v2.lastModified },
    {
      version: 'v2',
      isDefault: false,
      usable: true,
      protocol: 'intra',
      complete: false,
      epochs: 6,
      plannedEpochs: 40,
      bestEpoch: 6,
      accuracy: 0.9657,
      macroF1: 0.8664,
      trainingSeconds: 120.5,
      note: 'interim version: best of 6 of up to 40 epochs',
      lastModified: 'string',
      problems: [],
    },
  );
  assert.ok(Math.abs(Date.parse(v2.lastModified!) - Date.now()) < 10 * 60_000, v2.lastModified!);
  assert.deepEqual(
    [v10.protocol, v10.complete, v10.accuracy, v10.macroF1, v10.epochs],
    ['inter', true, 0.91, 0.71, 5],
  );

  assert.equal(broken.usable, false);
  assert.equal(broken.accuracy, null);
  assert.equal(broken.problems.length, 2);
  assert.match(broken.problems[0], /^no model\.json: runs cannot use it/);
  assert.match(broken.problems[1], /^s3:\/\/registry-test\/models\/broken\/metrics\.json is unreadable: /);

  assert.equal(bare.usable, true);
  assert.deepEqual(bare.problems, ['no metrics.json']);
  assert.equal(bare.protocol, null);
});

test('promote: an unknown or unfinished version is refused and DEFAULT stays as it was', async () => {
  await assert.rejects(
    setDefaultModelVersion(store, 'v404'),
    (err: unknown) =>
      err instanceof ModelVersionError &&
      err.message === 'model version v404 does not exist: no s3://registry-test/models/v404/model.json',
  );
  await assert.rejects(
    setDefaultModelVersion(store, 'broken'),
    /no s3:\/\/registry-test\/models\/broken\/model\.json/,
  );
  await assert.rejects(setDefaultModelVersion(store, '../v2'), ModelVersionError);
  assert.equal(await objects.exists(keys.modelDefault()), false);
  await assert.rejects(resolveModelVersion(store), /no model named and no default model/);
});

test('promote writes models/DEFAULT; the listing marks it and resolveModelVersion follows it', async () => {
  assert.deepEqual(await setDefaultModelVersion(store, 'v2'), { previous: undefined, current: 'v2' });
  assert.equal(await objects.getText(keys.modelDefault()), 'v2\n');
  assert.equal(await resolveModelVersion(store), 'v2');

  assert.deepEqual(await setDefaultModelVersion(store, 'v10'), { previous: 'v2', current: 'v10' });
  assert.equal(await resolveModelVersion(store), 'v10');
  assert.equal(await resolveModelVersion(store, 'v2'), 'v2', 'a named version wins over the default');
  const listing = await listModelVersions(store);
  assert.equal(listing.defaultVersion, 'v10');
  assert.deepEqual(
    listing.versions.filter((v) => v.isDefault).map((v) => v.version),
    ['v10'],
  );
});

test('a DEFAULT naming a missing version or holding garbage is reported, and a promote repairs it', async () => {
  await objects.put(keys.modelDefault(), 'gone\n');
  let listing = await listModelVersions(store);
  assert.equal(listing.defaultVersion, 'gone');
  assert.deepEqual(listing.problems, [
    's3://registry-test/models/DEFAULT names gone, which has no s3://registry-test/models/gone/model.json: runs without a model fail',
  ]);
  await assert.rejects(
    resolveModelVersion(store),
    /model version gone \(the default named in models\/DEFAULT\) does not exist/,
  );

  await objects.put(keys.modelDefault(), '../etc/passwd');
  listing = await listModelVersions(store);
  assert.equal(listing.defaultVersion, null);
  assert.deepEqual(listing.problems, [
    's3://registry-test/models/DEFAULT holds "../etc/passwd", not a model version',
  ]);
  assert.equal(listing.versions.length, 4, 'a bad pointer hides no version');

  assert.deepEqual(await setDefaultModelVersion(store, 'v2'), { previous: undefined, current: 'v2' });
  assert.deepEqual((await listModelVersions(store)).problems, []);
});

test('a directory store (what `train --out` writes) lists and promotes the same way', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'holterflow-registry-'));
  try {
    const local = directoryModelStore(dir);
    await putAll(local);
    // A stray file beside the versions is not a version.
    await mkdir(dirname(join(dir, 'models/README')), { recursive: true });
    await writeFile(join(dir, 'models/README'), 'notes');
    const fromDir = await listModelVersions(local);
    const fromS3 = await listModelVersions(store);
    const comparable = (l: typeof fromDir) =>
      l.versions.map((v) => ({
        ...v,
        isDefault: undefined,
        lastModified: undefined,
        problems: v.problems.length,
      }));
    assert.deepEqual(comparable(fromDir), comparable(fromS3));
    assert.match(
      fromDir.versions[1].problems[1],
      new RegExp(`^${dir}/models/broken/metrics\\.json is unreadable`),
    );

    await assert.rejects(
      setDefaultModelVersion(local, 'v404'),
      new RegExp(`no ${dir}/models/v404/model\\.json`),
    );
    assert.deepEqual(await setDefaultModelVersion(local, 'v10'), { previous: undefined, current: 'v10' });
    assert.equal(await resolveModelVersion(local), 'v10');
    assert.equal((await listModelVersions(local)).defaultVersion, 'v10');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
