/**
 * Where the full MIT-BIH database is: HOLTERFLOW_MITDB_DIR, else `data/mitdb` of the checkout
 * (git-ignored; README "The two commands" says where to get it), so a fresh clone finds it where
 * the README says. Tests that need it skip without it, saying so; the fixtures in
 * test/fixtures/mitdb are always there.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FULL_MITDB_DIR =
  process.env.HOLTERFLOW_MITDB_DIR?.trim() || fileURLToPath(new URL('../../data/mitdb', import.meta.url));

export const FIXTURE_MITDB_DIR = fileURLToPath(new URL('../fixtures/mitdb', import.meta.url));

export const hasFullMitdb = (): boolean => existsSync(`${FULL_MITDB_DIR}/100.hea`);
