/**
 * results.json and results.csv: read, merge and write atomically after every finished row,
 * so an interrupted grid keeps what it finished. (Reruns skip work through the artifact
 * cache, cache.ts; results.json is the report of the rows, not the record of what is made.)
 */
import { readFile } from 'node:fs/promises';
import * as aq from 'arquero';
import { cpus, totalmem, platform, arch } from 'node:os';
import type { ResultRow, ResultsFile } from '../data/types.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';

/** Identity of a row within a results file: dataset, method and query depth. */
export function rowKey(row: Pick<ResultRow, 'dataset' | 'method' | 'queryLayers'>): string {
  return `${row.dataset}|${row.method}|${row.queryLayers}`;
}

/** Reads an existing results.json; a missing file gives no rows. A corrupt one is an error. */
export async function readResults(path: string): Promise<ResultsFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path}: not valid JSON (${(error as Error).message}); move it away to start over`,
      { cause: error },
    );
  }
  const file = parsed as Partial<ResultsFile>;
  if (!Array.isArray(file.rows))
    throw new Error(`${path}: field "rows" is missing or not an array`);
  return file as ResultsFile;
}

export function machineInfo(): Record<string, unknown> {
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Adds or replaces `row` (by rowKey), keeping the order rows were first written in. */
export function mergeRow(rows: readonly ResultRow[], row: ResultRow): ResultRow[] {
  const key = rowKey(row);
  const index = rows.findIndex((r) => rowKey(r) === key);
  if (index < 0) return [...rows, row];
  const out = rows.slice();
  out[index] = row;
  return out;
}

const CSV_METRIC_ORDER = ['mrr@10', 'ndcg@10', 'recall@100', 'accuracy@20', 'accuracy@100'];

/** Numbers to 6 significant digits (integers as they are); null and undefined empty. */
function csvNumber(v: unknown): unknown {
  return typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(6) : v;
}

/**
 * One line per row; metrics become columns (union over rows, main ones first), the
 * comparison becomes comparison* columns. Written by
 * arquero's toCSV (quoting, empty cells for null), every column through `csvNumber`.
 */
export function resultsToCsv(rows: readonly ResultRow[]): string {
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort((a, b) => {
    const ia = CSV_METRIC_ORDER.indexOf(a);
    const ib = CSV_METRIC_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const columns: Record<string, (r: ResultRow) => unknown> = {
    dataset: (r) => r.dataset,
    method: (r) => r.method,
    queryLayers: (r) => r.queryLayers,
    passageLayers: (r) => r.passageLayers,
    ...Object.fromEntries(metricNames.map((m) => [m, (r: ResultRow) => r.metrics[m]])),
    latencyMsBatch1: (r) => r.latencyMs?.batch1,
    latencyMsBatch32: (r) => r.latencyMs?.batch32,
    speedup: (r) => r.speedup,
    speedupInt8: (r) => r.speedupInt8,
    latencyMsTfjsBatch1: (r) => r.latencyMs?.tfjsBatch1,
    latencyMsInt8Batch1: (r) => r.latencyMs?.int8Batch1,
    recovery: (r) => r.recovery,
    trainSteps: (r) => r.trainSteps,
    computeSeconds: (r) => r.computeSeconds,
    // The comparison, flattened (empty for bm25 and full).
    comparisonAgainst: (r) => r.comparison?.against,
    comparisonAgainstQueryLayers: (r) => r.comparison?.againstQueryLayers,
    comparisonMetric: (r) => r.comparison?.metric,
    comparisonDelta: (r) => r.comparison?.delta,
    comparisonPValue: (r) => r.comparison?.pValue,
    comparisonTest: (r) => r.comparison?.test,
    comparisonQueries: (r) => r.comparison?.queries,
  };
  // Column-wise, so that a table without rows still has its header.
  const table = aq.table(
    Object.fromEntries(Object.entries(columns).map(([name, get]) => [name, rows.map(get)])),
  );
  const format = Object.fromEntries(Object.keys(columns).map((name) => [name, csvNumber]));
  return table.toCSV({ format });
}

/** Writes results.json and results.csv side by side, each atomically. */
export async function writeResults(
  jsonPath: string,
  csvPath: string,
  file: ResultsFile,
): Promise<void> {
  await writeJsonAtomic(jsonPath, file);
  await writeFileAtomic(csvPath, resultsToCsv(file.rows));
}
