/**
 * A record's report.html printed to PDF on request (the console's "PDF" download): the page is
 * written to a temporary directory and printed by headless Chromium with the report's own A4
 * stylesheet (libs/report printReportPdf, as `holterflow report --pdf`). One print at a time per
 * coordinator: each starts a browser, and the coordinator's CPU is for the API.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DEFAULT_CHROMIUM_PATH } from '@holterflow/contracts';
import { chromiumUnavailable, printReportPdf } from '@holterflow/report';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';

@Injectable()
export class ReportPdf {
  private readonly chromium: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@Inject(COORDINATOR_CONFIG) config: CoordinatorConfig) {
    this.chromium = config.chromiumPath ?? DEFAULT_CHROMIUM_PATH;
  }

  /** The PDF of `html`; 503 naming the fix when this host has no Chromium. */
  print(html: Uint8Array): Promise<Uint8Array> {
    const problem = chromiumUnavailable(this.chromium);
    if (problem) throw new ServiceUnavailableException(`cannot print the report to PDF here: ${problem}`);
    const job = this.queue.then(() => this.printNow(html));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async printNow(html: Uint8Array): Promise<Uint8Array> {
    const dir = await mkdtemp(join(tmpdir(), 'holterflow-report-pdf-'));
    try {
      const htmlPath = join(dir, 'report.html');
      const pdfPath = join(dir, 'report.pdf');
      await writeFile(htmlPath, html);
      await printReportPdf(htmlPath, pdfPath, this.chromium);
      return await readFile(pdfPath);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
