/** Where the tests find MIT-BIH data: fixtures always, the full database where it is laid out. */
import { existsSync } from 'node:fs';
import { FULL_MITDB_DIR } from '../../../../test/support/mitdb.js';

export const FIXTURES = new URL('../../../../test/fixtures/mitdb/', import.meta.url).pathname;
export const SHARED_MITDB = FULL_MITDB_DIR;
/** A node:test `skip` value: false when the full database is present, else the reason. */
export const SKIP_WITHOUT_SHARED: string | false = existsSync(SHARED_MITDB)
  ? false
  : `${SHARED_MITDB} is absent (set HOLTERFLOW_MITDB_DIR to the full MIT-BIH database)`;
