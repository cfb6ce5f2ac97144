/**
 * Options shared by the file loaders (BEIR, DPR, MS MARCO). Frozen defaults; each field
 * says why its default is what it is.
 */
import type { ProgressSink } from '../util/index.js';
import type { SplitName } from './types.js';

export interface LoadOptions {
  /**
   * What to do with a qrels line whose query or document id is not in the queries or
   * corpus file. Default 'count': BEIR releases do contain a few such lines, and dropping
   * them is what BEIR's own loader does; they are counted in the report (never silent).
   * 'error' throws on the first one.
   */
  readonly unknownIds?: 'count' | 'error';
  /**
   * What to do with a malformed line (bad JSON, missing field, wrong field count).
   * Default 'error': a broken file should be fixed, not half-used. 'count' skips the line
   * and records it in the report.
   */
  readonly badLines?: 'error' | 'count';
  /** Splits to load; default all that the source has. Asking for one it lacks is an error. */
  readonly splits?: readonly SplitName[];
  /** Name used in result rows; default from the folder or file name. */
  readonly name?: string;
  /** How many issues the report keeps with file/line/field (all are counted). Default 100. */
  readonly maxIssues?: number;
  /** Byte progress per file read; default none (loading is fast). */
  readonly progress?: ProgressSink;
}

export interface ResolvedLoadOptions {
  readonly unknownIds: 'count' | 'error';
  readonly badLines: 'error' | 'count';
  readonly splits: readonly SplitName[] | undefined;
  readonly name: string | undefined;
  readonly maxIssues: number;
  readonly progress: ProgressSink | undefined;
}

export const DEFAULT_LOAD_OPTIONS: ResolvedLoadOptions = Object.freeze({
  unknownIds: 'count',
  badLines: 'error',
  splits: undefined,
  name: undefined,
  maxIssues: 100,
  progress: undefined,
});

const UNKNOWN_IDS = ['count', 'error'] as const;
const BAD_LINES = ['error', 'count'] as const;

/** Fills defaults and checks literals (throws naming the bad option and what is allowed). */
export function resolveLoadOptions(options: LoadOptions = {}): ResolvedLoadOptions {
  const r = { ...DEFAULT_LOAD_OPTIONS, ...stripUndefined(options) };
  if (!UNKNOWN_IDS.includes(r.unknownIds))
    throw new Error(
      `unknownIds must be one of ${UNKNOWN_IDS.join(', ')}, got ${String(r.unknownIds)}`,
    );
  if (!BAD_LINES.includes(r.badLines))
    throw new Error(`badLines must be one of ${BAD_LINES.join(', ')}, got ${String(r.badLines)}`);
  if (!Number.isInteger(r.maxIssues) || r.maxIssues < 0)
    throw new Error(`maxIssues must be a non-negative integer, got ${String(r.maxIssues)}`);
  return Object.freeze(r);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
