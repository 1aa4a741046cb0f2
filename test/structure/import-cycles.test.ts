/**
 * No import circle anywhere in the monorepo's own code (apps, libs, tests, benches, scripts),
 * type-only imports included: a circle makes module order matter (a class undefined at
 * decoration time, a constant read before it is set) and hides which module owns what.
 * Workspace packages are followed to their sources (node_modules/@holterflow/* are links), so a
 * circle across packages counts too. dependency-cruiser reads the files; nothing is run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('no module imports itself through a circle', async () => {
  const previous = process.cwd();
  process.chdir(root);
  let result: IReporterOutput;
  try {
    result = await cruise(
      ['apps', 'libs', 'test', 'bench', 'scripts'],
      {
        validate: true,
        doNotFollow: { path: 'node_modules' },
        exclude: { path: '(^|/)node_modules/' },
        // Type-only imports count: they are edges a reader follows all the same.
        tsPreCompilationDeps: true,
        // The workspace packages export their TypeScript sources (`exports: ./src/index.ts`).
        enhancedResolveOptions: {
          exportsFields: ['exports'],
          conditionNames: ['import', 'require', 'node', 'default'],
          extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
        },
        ruleSet: {
          forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }],
        },
      },
      {},
      { tsConfig: extractTSConfig('tsconfig.json') },
    );
  } finally {
    process.chdir(previous);
  }
  const output = result.output;
  assert.ok(typeof output === 'object', 'dependency-cruiser returns its result as an object');
  // The check must have read the tree (a wrong path would report no circle over no files).
  assert.ok(output.summary.totalCruised > 300, `read only ${output.summary.totalCruised} modules`);
  const unresolved = output.modules
    .flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith('@holterflow/')))
    .map((d) => d.module);
  assert.deepEqual([...new Set(unresolved)], [], 'every workspace import is followed to its source');
  const circles = output.summary.violations
    .filter((v) => v.rule.name === 'no-circular')
    .map((v) => [v.from, ...(v.cycle ?? []).map((c) => (typeof c === 'string' ? c : c.name))].join(' → '));
  assert.deepEqual(circles, [], `import circles:\n${circles.join('\n')}`);
});
