/** Reporting: HTML tables, Plotly figures, notebook display helpers and the static report. */
export {
  tableHtml,
  DEFAULT_TABLE_OPTIONS,
  type TableRow,
  type TableInput,
  type TableOptions,
} from './table.js';
export {
  barFigure,
  histogramFigure,
  lossCurveFigure,
  type BarOptions,
  type HistogramOptions,
  type LossCurveOptions,
  type LossCurveInput,
} from './figure.js';
export { isPlotlyFigure, PALETTE, type PlotlyFigure, type PlotlyTrace } from './figure-types.js';
export {
  speedupQualityFigure,
  type SpeedupQualityOptions,
  type SpeedupQualityRow,
} from './figure-speedup.js';
export { layerMapFigure, type LayerMapOptions } from './figure-layers.js';
export { sortedDeltaFigure, type DeltaFigureOptions } from './figure-deltas.js';
export { figureHtml, type FigureHtmlOptions } from './figure-html.js';
export { plotlyLibraryHtml, plotlyVersion } from './plotly-library.js';
export {
  show,
  liveDisplay,
  mimeBundle,
  inNotebook,
  notebookComplete,
  NOTEBOOK_COMPLETE,
  PLOTLY_MIME,
  type LiveDisplay,
  type MimeBundle,
  type Showable,
  type ShowOptions,
} from './display.js';
export { reportHtml, writeHtmlReport, type HtmlReport, type ReportSection } from './html-report.js';
