/**
 * The images install dependencies from the workspaces' package.json files before the sources
 * come in (a cached layer), so each Dockerfile copies every one of them by name; a workspace
 * left out is not linked into node_modules and the image fails at its first import of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('both Dockerfiles copy the package.json of every workspace', async () => {
  const workspaces: string[] = [];
  for (const group of ['apps', 'libs'])
    for (const entry of await readdir(root + group, { withFileTypes: true }))
      if (entry.isDirectory()) workspaces.push(`${group}/${entry.name}`);
  assert.ok(workspaces.length >= 10, `found ${workspaces.length} workspaces`);
  for (const file of ['infra/Dockerfile.cpu', 'infra/Dockerfile.gpu']) {
    const text = await readFile(root + file, 'utf8');
    const missing = workspaces.filter((w) => !text.includes(`COPY ${w}/package.json ${w}/\n`));
    assert.deepEqual(missing, [], `${file} does not copy these workspaces' package.json`);
  }
});
