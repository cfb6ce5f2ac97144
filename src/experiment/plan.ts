/**
 * The paper's grid on one dataset as plain data: which rows exist, which dual encoders
 * they need, where each row's query encoder comes from, which passage index it searches,
 * and which row it is compared with. `planGrid` is pure (no tensors, no files), so the
 * rules of the grid are testable on their own; `runRow` (run-row.ts) makes each row.
 *
 *   bm25                      lexical baseline
 *   full                      symmetric L/L dual encoder
 *   pruned        (per k)     full model, query encoder cut to k layers after training
 *   kale-<loss>   (per k)     pruned + alignment to the full query encoder, queries only
 *   half-depth                symmetric L/2 model (the DistilBERT-like reference)
 *   asym          (per k)     trained with a k-layer query encoder from the start
 *   asym+kale     (per k)     the next deeper asymmetric model, pruned to k + KALE (kl)
 *
 * It does not decide how rows are cached or run, nor measure anything.
 */
import type { ResultMethod } from '../data/types.js';
import type { AlignmentLossName } from '../compress/index.js';
import { layerMap } from '../model/index.js';
import type { GridOptions } from './options.js';

/** A dual encoder the grid trains: its name in the workspace and its depths. */
export interface PlannedModel {
  readonly name: string;
  readonly queryLayers: number;
  readonly passageLayers: number;
}

/** Where a row's query encoder comes from. */
export type QuerySource =
  /** The query encoder of the trained dual encoder `model`, as trained. */
  | { readonly kind: 'trained'; readonly model: string }
  /** `model`'s query encoder keeping only `keptLayers` (indices into its layers). */
  | { readonly kind: 'pruned'; readonly model: string; readonly keptLayers: readonly number[] }
  /**
   * `model`'s query encoder pruned to `keptLayers`, then aligned with `loss` to the
   * unpruned query encoder of the same model (the teacher).
   */
  | {
      readonly kind: 'aligned';
      readonly model: string;
      readonly keptLayers: readonly number[];
      readonly loss: AlignmentLossName;
    };

export interface PlannedRow {
  /** Unique within the dataset: 'bm25', 'full', 'pruned-q1', 'kale-kl-q1', 'asym+kale-q1', … */
  readonly id: string;
  readonly method: ResultMethod;
  /** 0 for bm25. */
  readonly queryLayers: number;
  readonly passageLayers: number;
  /** null for bm25 (no encoder). */
  readonly query: QuerySource | null;
  /** The model whose passage encoder built the index searched; null for bm25. */
  readonly index: string | null;
  /** The row this one is judged against (significance, recovery); null for bm25 and full. */
  readonly comparedWith: string | null;
  /**
   * For aligned rows: recovery = (aligned − pruned) / (teacher − pruned) on the main
   * metric, with `teacher` a row id and `pruned` the unaligned student (evaluated against
   * the same index; for kale-* it is exactly the pruned row's encoder).
   */
  readonly recovery: { readonly teacher: string; readonly pruned: QuerySource } | null;
}

export interface GridPlan {
  readonly dataset: string;
  readonly mainMetric: string;
  /** Depth L of the full model (and of every passage encoder but half-depth's). */
  readonly fullLayers: number;
  /** Models in the order the grid needs them (full first; the rest may train ahead). */
  readonly models: readonly PlannedModel[];
  readonly rows: readonly PlannedRow[];
}

export interface DatasetInfo {
  readonly name: string;
  readonly mainMetric: string;
  /** Depth of the starting checkpoint when `init` is used; default options.model's. */
  readonly fullLayers?: number;
}

export const ALIGN_METHOD: Readonly<Record<AlignmentLossName, ResultMethod>> = Object.freeze({
  kl: 'kale-kl',
  mse: 'kale-mse',
  cosine: 'kale-cosine',
  'kl+mse': 'kale-kl+mse',
});

/** The grid's plan for one dataset; throws on a query depth the full model cannot prune to. */
export function planGrid(
  options: Pick<GridOptions, 'queryDepths' | 'alignLosses' | 'asymmetric' | 'halfDepth' | 'model'>,
  dataset: DatasetInfo,
): GridPlan {
  const L = dataset.fullLayers ?? options.model.numHiddenLayers;
  checkQueryDepths(options.queryDepths, L);
  const depths = [...new Set(options.queryDepths)].sort((a, b) => a - b);
  const half = Math.max(1, Math.floor(L / 2));
  const models: PlannedModel[] = [{ name: 'full', queryLayers: L, passageLayers: L }];
  const rows: PlannedRow[] = [
    { ...bare('bm25', 'bm25', 0, 0), query: null, index: null },
    { ...bare('full', 'full', L, L), query: { kind: 'trained', model: 'full' }, index: 'full' },
  ];
  for (const k of depths) rows.push(...prunedRows(k, L, options.alignLosses));
  if (options.halfDepth) {
    const name = `half-${half}`;
    models.push({ name, queryLayers: half, passageLayers: half });
    rows.push({
      ...bare('half-depth', 'half-depth', half, half),
      query: { kind: 'trained', model: name },
      index: name,
      comparedWith: 'full',
    });
  }
  if (options.asymmetric) {
    for (const k of depths) models.push({ name: asymName(k), queryLayers: k, passageLayers: L });
    for (const k of depths) {
      rows.push({
        ...bare(`asym-q${k}`, 'asym', k, L),
        query: { kind: 'trained', model: asymName(k) },
        index: asymName(k),
        comparedWith: 'full',
      });
    }
    for (const k of depths) {
      const teacher = depths.find((j) => j > k);
      if (teacher !== undefined) rows.push(asymKaleRow(k, teacher, L));
    }
  }
  return Object.freeze({
    dataset: dataset.name,
    mainMetric: dataset.mainMetric,
    fullLayers: L,
    models: Object.freeze(models),
    rows: Object.freeze(rows),
  });
}

/** Throws unless every depth is an integer in 1…L−1 (a full model of L layers can be cut to it). */
export function checkQueryDepths(depths: readonly number[], L: number): void {
  for (const k of depths) {
    if (!Number.isInteger(k) || k < 1 || k >= L) {
      throw new Error(
        `GridOptions.queryDepths: ${k} must be an integer in 1…${L - 1} (the full model has ${L} layers)`,
      );
    }
  }
}

/** The model name of the asymmetric dual encoder with a k-layer query encoder. */
export function asymName(k: number): string {
  return `asym-q${k}`;
}

/** The fields every row has, comparison and recovery empty. */
function bare(id: string, method: ResultMethod, queryLayers: number, passageLayers: number) {
  return { id, method, queryLayers, passageLayers, comparedWith: null, recovery: null };
}

/** pruned-qk and one aligned row per loss, all against the full model's index. */
function prunedRows(k: number, L: number, losses: readonly AlignmentLossName[]): PlannedRow[] {
  const keptLayers = Object.freeze(layerMap(L, k));
  const pruned: QuerySource = { kind: 'pruned', model: 'full', keptLayers };
  const prunedId = `pruned-q${k}`;
  return [
    {
      ...bare(prunedId, 'pruned', k, L),
      query: pruned,
      index: 'full',
      comparedWith: 'full',
    },
    ...losses.map((loss) => ({
      ...bare(`${ALIGN_METHOD[loss]}-q${k}`, ALIGN_METHOD[loss], k, L),
      query: { kind: 'aligned', model: 'full', keptLayers, loss } as const,
      index: 'full',
      comparedWith: prunedId,
      recovery: { teacher: 'full', pruned },
    })),
  ];
}

/**
 * asym+kale at k: the asymmetric model with the next deeper query encoder (j > k, the
 * smallest such) pruned to k and aligned to itself with KALE's KL loss, searching that
 * model's own index (its passage encoder was trained with the j-layer query encoder).
 */
function asymKaleRow(k: number, teacherDepth: number, L: number): PlannedRow {
  const model = asymName(teacherDepth);
  const keptLayers = Object.freeze(layerMap(teacherDepth, k));
  return {
    ...bare(`asym+kale-q${k}`, 'asym+kale', k, L),
    query: { kind: 'aligned', model, keptLayers, loss: 'kl' },
    index: model,
    comparedWith: `asym-q${teacherDepth}`,
    recovery: { teacher: `asym-q${teacherDepth}`, pruned: { kind: 'pruned', model, keptLayers } },
  };
}
