/**
 * @module What the report tools share, built once from Config: the per-client report store, the
 * chart colours (REPORT_CHARTS_COLORS, checked at start-up) and the PDF export with the client's
 * logo (skipped with the reason logged when unusable).
 */
import { join } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import type { Logger } from '../../log/logger.ts';
import type { ChartColors } from '../../reports/grades.ts';
import { parseChartColors } from '../../reports/grades.ts';
import type { ReportAudit, WrittenReport } from '../../reports/report-store.ts';
import { ReportStore, titleOf } from '../../reports/report-store.ts';
import { checkClientName } from '../../reports/report-name.ts';
import { loadLogo } from '../../reports/logo.ts';
import { renderReportPdf } from '../../reports/pdf-render.ts';

export interface ReportServices {
  store: ReportStore;
  colors: ChartColors;
  /** Render one of the client's reports to PDF beside it. */
  exportPdf(client: string, report: string): Promise<{ markdown: string; pdf: WrittenReport; pages: number; logo: string }>;
}

export function createReportServices(config: Config, audit: ReportAudit, logger?: Logger): ReportServices {
  const colors = parseChartColors(config.env.REPORT_CHARTS_COLORS);
  const store = new ReportStore(config.paths.clientsDir, audit);
  return {
    store, colors,
    async exportPdf(client, report) {
      const { name, markdown } = await store.read(client, report);
      const logo = await loadLogo(join(config.paths.clientsDir, checkClientName(client), 'custom', 'logo.png'));
      let skipped: string | undefined;
      const out = await renderReportPdf({
        title: titleOf(markdown, name), client, generatedAt: new Date(), markdown, colors, logo,
        onLogoSkipped(reason) {
          skipped = reason;
          logger?.warning('report_logo_skipped', { client, report: name, reason });
        },
      });
      const pdf = await store.writePdf(client, name, out.pdf, out.pages);
      return { markdown, pdf, pages: out.pages, logo: out.logoEmbedded ? 'embedded' : skipped ? `skipped: ${skipped}` : 'none (no clients/<name>/custom/logo.png)' };
    },
  };
}
