/**
 * results.json and results.csv: read, merge and write atomically after every finished row,
 * so an interrupted grid keeps what it finished and a rerun skips it.
 */
import { readFile } from 'node:fs/promises';
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

/** One line per row; metrics become columns (union over rows, main ones first). */
export function resultsToCsv(rows: readonly ResultRow[]): string {
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort((a, b) => {
    const ia = CSV_METRIC_ORDER.indexOf(a);
    const ib = CSV_METRIC_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const header = [
    'dataset',
    'method',
    'queryLayers',
    'passageLayers',
    ...metricNames,
    'latencyMsBatch1',
    'latencyMsBatch32',
    'speedup',
    'recovery',
    'trainSteps',
    'computeSeconds',
  ];
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6);
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = rows.map((r) =>
    [
      r.dataset,
      r.method,
      r.queryLayers,
      r.passageLayers,
      ...metricNames.map((m) => r.metrics[m]),
      r.latencyMs?.batch1,
      r.latencyMs?.batch32,
      r.speedup,
      r.recovery,
      r.trainSteps,
      r.computeSeconds,
    ]
      .map(cell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
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
