/** How the model listing reads in a terminal: one row per version, its problems below the table. */
import type { ModelListing, ModelVersionEntry } from '@holterflow/contracts';
import { formatTable } from '../ingest/report.js';

const MISSING = '-';

function epochs(v: ModelVersionEntry): string {
  if (v.epochs === null) return MISSING;
  return v.plannedEpochs === null ? String(v.epochs) : `${v.epochs}/${v.plannedEpochs}`;
}

function complete(v: ModelVersionEntry): string {
  if (!v.usable) return 'unusable';
  return v.complete === null ? MISSING : v.complete ? 'yes' : 'interim';
}

/** `where` names the models/ folder searched, for the empty listing. */
export function formatModelListing(listing: ModelListing, where: string): string {
  const lines: string[] = [];
  if (listing.versions.length === 0) lines.push(`no model versions under ${where}`);
  else
    lines.push(
      formatTable(
        ['version', 'protocol', 'epochs', 'best', 'accuracy', 'macro-F1', 'complete', 'modified (UTC)'],
        listing.versions.map((v) => [
          `${v.isDefault ? '*' : ' '} ${v.version}`,
          v.protocol ?? MISSING,
          epochs(v),
          v.bestEpoch === null ? MISSING : String(v.bestEpoch),
          v.accuracy === null ? MISSING : `${(v.accuracy * 100).toFixed(2)}%`,
          v.macroF1 === null ? MISSING : v.macroF1.toFixed(3),
          complete(v),
          v.lastModified === null ? MISSING : v.lastModified.slice(0, 16).replace('T', ' '),
        ]),
      ),
    );
  for (const v of listing.versions) for (const problem of v.problems) lines.push(`${v.version}: ${problem}`);
  lines.push(...listing.problems);
  lines.push(
    listing.defaultVersion === null
      ? 'no default model: runs must name one (holterflow models promote <version>)'
      : `* default for new runs: ${listing.defaultVersion}`,
  );
  return lines.join('\n');
}
