/**
 * The versions under models/, one entry each, with what a person picking a model wants to see
 * (protocol, epochs, test accuracy and macro-F1, complete or interim) from its metrics.json. A
 * version whose metrics.json is missing or unreadable is still listed, with the problem, so one
 * broken upload never hides the others.
 */
import {
  isSafeId,
  keys,
  MODEL_JSON,
  PREFIXES,
  type ModelListing,
  type ModelVersionEntry,
} from '@holterflow/contracts';
import type { ModelStore, StoredObject } from './model-store.js';
import { ModelVersionError, readDefaultModelVersion } from './model-version.js';

const MODELS_PREFIX = PREFIXES.models;
const METRICS_JSON = 'metrics.json';

// The answer of GET /models: declared with the API's other answers, re-exported for the registry's users.
export type { ModelListing, ModelVersionEntry };

export async function listModelVersions(store: ModelStore): Promise<ModelListing> {
  const problems: string[] = [];
  let defaultVersion: string | null = null;
  try {
    defaultVersion = (await readDefaultModelVersion(store)) ?? null;
  } catch (err) {
    if (!(err instanceof ModelVersionError)) throw err;
    problems.push(err.message);
  }

  const objectsByVersion = new Map<string, StoredObject[]>();
  for await (const object of store.list(MODELS_PREFIX)) {
    const [version, ...rest] = object.key.slice(MODELS_PREFIX.length).split('/');
    if (rest.length === 0) continue; // models/DEFAULT and any other loose object
    objectsByVersion.set(version, [...(objectsByVersion.get(version) ?? []), object]);
  }

  const versions = await Promise.all(
    [...objectsByVersion].map(([version, objects]) =>
      describeVersion(store, version, objects, defaultVersion),
    ),
  );
  versions.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
  if (defaultVersion !== null && !versions.some((v) => v.version === defaultVersion && v.usable))
    problems.push(
      `${store.locate(keys.modelDefault())} names ${defaultVersion}, which has no ` +
        `${store.locate(`${MODELS_PREFIX}${defaultVersion}/${MODEL_JSON}`)}: runs without a model fail`,
    );
  return { defaultVersion, versions, problems };
}

async function describeVersion(
  store: ModelStore,
  version: string,
  objects: StoredObject[],
  defaultVersion: string | null,
): Promise<ModelVersionEntry> {
  const files = new Set(objects.map((o) => o.key.slice(`${MODELS_PREFIX}${version}/`.length)));
  const newest = Math.max(...objects.map((o) => o.lastModified.getTime()));
  const entry: ModelVersionEntry = {
    version,
    isDefault: version === defaultVersion,
    usable: isSafeId(version) && files.has(MODEL_JSON),
    protocol: null,
    complete: null,
    epochs: null,
    plannedEpochs: null,
    bestEpoch: null,
    accuracy: null,
    macroF1: null,
    trainingSeconds: null,
    note: null,
    lastModified: Number.isFinite(newest) ? new Date(newest).toISOString() : null,
    problems: [],
  };
  if (!isSafeId(version)) {
    entry.problems.push(`${JSON.stringify(version)} is not a model version name: runs cannot use it`);
    return entry;
  }
  if (!entry.usable)
    entry.problems.push(`no ${MODEL_JSON}: runs cannot use it (training unfinished or failed)`);
  const metricsKey = keys.modelFile(version, METRICS_JSON);
  if (!files.has(METRICS_JSON)) {
    entry.problems.push(`no ${METRICS_JSON}`);
    return entry;
  }
  let metrics: unknown;
  try {
    metrics = JSON.parse(await store.getText(metricsKey));
  } catch (err) {
    entry.problems.push(`${store.locate(metricsKey)} is unreadable: ${(err as Error).message}`);
    return entry;
  }
  if (!isRecord(metrics)) {
    entry.problems.push(`${store.locate(metricsKey)} is not a JSON object`);
    return entry;
  }
  const test = isRecord(metrics.test) ? metrics.test : {};
  Object.assign(entry, {
    protocol: stringOrNull(metrics.protocol),
    complete: typeof metrics.complete === 'boolean' ? metrics.complete : null,
    epochs: numberOrNull(metrics.epochs),
    plannedEpochs: numberOrNull(metrics.plannedEpochs),
    bestEpoch: numberOrNull(metrics.bestEpoch),
    accuracy: numberOrNull(test.accuracy),
    macroF1: numberOrNull(test.macroF1),
    trainingSeconds: numberOrNull(metrics.trainingSeconds),
    note: stringOrNull(metrics.note),
  });
  if (entry.accuracy === null || entry.macroF1 === null)
    entry.problems.push(`${METRICS_JSON} has no test.accuracy/test.macroF1`);
  if (metrics.version !== undefined && metrics.version !== version)
    entry.problems.push(`${METRICS_JSON} describes version ${JSON.stringify(metrics.version)}`);
  return entry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
