export { renderDayReportHtml, renderShiftReportHtml, hourChartSvg, type ReportHtmlOptions } from './html';
export { renderDayReportEscPos, renderShiftReportEscPos, type ReportEscPosOptions } from './escpos';
export { renderDayReportCsv, dayReportCsvFilename, csvField, CSV_BOM } from './csv';
export { reportLabels, actionText, type ReportLanguage, type ReportLabels } from './labels';
export { moneyText, signedMoneyText, localDateTime, quantityText, hourRange } from './format';
