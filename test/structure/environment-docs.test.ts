/** The README's and infra/README.md's variable tables are the configuration schema's own table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT } from '@holterflow/contracts';
import { ENV_TABLE_FILES, withEnvTable } from '../../scripts/env-table.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

for (const file of ENV_TABLE_FILES) {
  test(`${file} carries the table generated from the schema (node --import tsx scripts/env-table.ts)`, () => {
    const text = readFileSync(`${root}${file}`, 'utf8');
    assert.equal(text, withEnvTable(text, file));
    // And every variable of the schema is named there (the table is not empty or cut short).
    for (const name of Object.keys(ENVIRONMENT)) {
      const documented = /_(INGEST|CLASSIFY|SUMMARIZE|FINALIZE|TRAIN)_CONCURRENCY$/.test(name)
        ? 'HOLTERFLOW_<ROLE>_CONCURRENCY'
        : name;
      assert.ok(text.includes(`\`${documented}\``), `${file} names ${documented}`);
    }
  });
}
