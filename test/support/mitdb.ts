/**
 * Where the full MIT-BIH database is: HOLTERFLOW_MITDB_DIR, else `shared/data/mitdb` beside the
 * repository (the layout on developer machines and in CI). Tests that need it skip without it;
 * the fixtures in test/fixtures/mitdb are always there.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FULL_MITDB_DIR =
  process.env.HOLTERFLOW_MITDB_DIR ?? fileURLToPath(new URL('../../../shared/data/mitdb', import.meta.url));

export const FIXTURE_MITDB_DIR = fileURLToPath(new URL('../fixtures/mitdb', import.meta.url));

export const hasFullMitdb = (): boolean => existsSync(`${FULL_MITDB_DIR}/100.hea`);
