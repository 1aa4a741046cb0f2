/**
 * `holterflow report <runId> <recordId> [--out file] [--open] [--pdf]`: a record's report.html
 * through the coordinator (GET /runs/:id/records/:recordId/report), saved locally; --open shows
 * it in the desktop's browser, --pdf prints it to A4 PDF through headless Chromium when one is
 * installed and says plainly when none is.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readVariable } from '@holterflow/contracts';
import { chromiumUnavailable, printReportPdf } from '@holterflow/report';
import { CoordinatorClient, coordinatorUrl } from '../runs/coordinator-client.js';

interface ReportFlags {
  out?: string;
  open?: boolean;
  pdf?: boolean;
  coordinator?: string;
}

function openInBrowser(path: string): void {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
  child.on('error', () =>
    console.error(`could not start ${opener} to open the report; open ${path} in a browser yourself`),
  );
  child.unref();
}

export function register(program: Command): void {
  program
    .command('report')
    .description("save a record's Holter report (report.html), optionally open it or print it to PDF")
    .argument('<runId>')
    .argument('<recordId>')
    .option('--out <file>', 'where to write report.html (default ./<runId>-<recordId>-report.html)')
    .option('--open', "open it in the desktop's browser")
    .option('--pdf', 'also print it to an A4 PDF beside it (needs Chromium)')
    .option('--coordinator <url>', 'coordinator URL')
    .action(async (runId: string, recordId: string, flags: ReportFlags) => {
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const html = await client.download(
        `/runs/${encodeURIComponent(runId)}/records/${encodeURIComponent(recordId)}/report`,
      );
      const out = resolve(flags.out ?? `${runId}-${recordId}-report.html`);
      await writeFile(out, html);
      console.log(`report of record ${recordId} (run ${runId}): ${out}`);
      if (flags.pdf) {
        const chromium = readVariable(process.env, 'HOLTERFLOW_CHROMIUM');
        const missing = chromiumUnavailable(chromium);
        if (missing) {
          console.error(`no PDF: ${missing}`);
          process.exitCode = 1;
        } else {
          const pdf = out.replace(/\.html?$/i, '') + '.pdf';
          const pages = await printReportPdf(out, pdf, chromium);
          console.log(`PDF (${pages} A4 pages): ${pdf}`);
        }
      }
      if (flags.open) openInBrowser(out);
    });
}
