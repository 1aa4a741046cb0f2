/**
 * The coordinator plans, queues and reports; it never loads TensorFlow.js or the model code
 * (libs/model, libs/training: hundreds of MB of memory and seconds of start-up in a process that
 * should start in one). Training jobs reach it through libs/train-jobs and the checkpoint header
 * of libs/contracts for that reason. dependency-cruiser follows every import from the
 * coordinator's sources, workspace packages included (their src/ or the dist/ that `npm ci`
 * builds, whichever the resolver picks); nothing is run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MODEL_CODE = '^(node_modules/@tensorflow/|libs/(model|training)/)';

test('nothing the coordinator imports reaches TensorFlow.js, libs/model or libs/training', async () => {
  const previous = process.cwd();
  process.chdir(root);
  let result: IReporterOutput;
  try {
    result = await cruise(
      ['apps/coordinator/src'],
      {
        validate: true,
        doNotFollow: { path: 'node_modules' },
        tsPreCompilationDeps: false,
        enhancedResolveOptions: {
          exportsFields: ['exports'],
          conditionNames: ['import', 'require', 'node', 'default'],
          extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
        },
        ruleSet: {
          forbidden: [{ name: 'no-model-code', severity: 'error', from: {}, to: { path: MODEL_CODE } }],
        },
      },
      {},
      { tsConfig: extractTSConfig('tsconfig.json') },
    );
  } finally {
    process.chdir(previous);
  }
  const output = result.output;
  assert.ok(typeof output === 'object');
  const cruised = output.modules.map((m) => m.source);
  // The walk went through the workspace libraries the training routes use.
  assert.ok(
    cruised.some((s) => /^libs\/train-jobs\/(src|dist)\//.test(s)),
    'libs/train-jobs was followed',
  );
  assert.ok(
    cruised.some((s) => /^libs\/contracts\/(src|dist)\/jobs\/train-checkpoint/.test(s)),
    'the checkpoint header was followed',
  );
  const violations = output.summary.violations.map((v) => `${v.from} → ${v.to}`);
  assert.deepEqual(violations, [], `the coordinator reaches model code:\n${violations.join('\n')}`);
});
