/**
 * The models and passage indexes of an opened grid (grid-workspace.ts), each made once:
 * a trained model is loaded from the cache or trained (after the background thread, if it
 * trains it), an index loaded or encoded; `untrained` gives a model as its training starts,
 * with its own cached index.
 */
import type { RetrievalDataset } from '../data/types.js';
import type { DenseIndex } from '../retrieval/index.js';
import { disposeDualEncoder, type DualEncoder, type WordEmbeddingInit } from '../train/index.js';
import type { ProgressSink } from '../util/index.js';
import { isSealed } from './cache.js';
import type { GridStart } from './grid-start.js';
import {
  ensureDual,
  startingDual,
  type DualSpec,
  type ModelHooks,
  type TrainedDual,
} from './models.js';
import type { GridOptions } from './options.js';
import { passageIndex } from './passage-index.js';
import type { GridPlan, PlannedModel } from './plan.js';
import type { TrainAhead } from './scheduler.js';

/** A grid model before training, with its passage index. */
export interface UntrainedModel {
  readonly dual: DualEncoder;
  readonly index: DenseIndex;
}

/** The hooks the loader reports through (the workspace's, with defaults filled in). */
export type LoaderHooks = ModelHooks & {
  readonly progress: ProgressSink;
  readonly log: (line: string) => void;
};

/** Loads (or trains) each model and index of the plan once; dispose frees the models. */
export function modelLoader(
  start: GridStart,
  dataset: RetrievalDataset,
  options: GridOptions,
  ahead: TrainAhead,
  wordEmbeddings: () => Promise<WordEmbeddingInit | undefined>,
  hooks: LoaderHooks,
) {
  const { plan, keys, tokenizer, config, init } = start;
  const indexOptions = {
    maxLength: keys.encode.pMaxLen,
    pooling: keys.encode.pooling,
    normalize: keys.encode.normalize,
    progress: hooks.progress,
    engine: start.engine,
  };
  const models = new Map<string, Promise<TrainedDual>>();
  const indexes = new Map<string, Promise<DenseIndex>>();
  const train = async (name: string): Promise<TrainedDual> => {
    const planned = plannedModel(plan, name);
    hooks.log(
      `${dataset.name}: model ${name} (${planned.queryLayers}/${planned.passageLayers} layers)`,
    );
    await ahead.ready(name);
    const ref = keys.model(name);
    const sealed = await isSealed(ref);
    return ensureDual(ref, await specOf(name, !sealed), tokenizer, dataset, options.train, hooks);
  };
  /** Model `name`'s shape and start (word vectors only when it is to be made). */
  const specOf = async (name: string, withWords: boolean): Promise<DualSpec> => {
    const planned = plannedModel(plan, name);
    const words = withWords ? await wordEmbeddings() : undefined;
    return {
      config,
      queryLayers: planned.queryLayers,
      passageLayers: planned.passageLayers,
      seed: options.seed,
      ...(init ? { init } : {}),
      ...(words ? { wordEmbeddings: words } : {}),
    };
  };
  const untrained = async (name: string): Promise<UntrainedModel> => {
    const dual = startingDual(await specOf(name, true));
    try {
      const index = await passageIndex(
        keys.untrainedIndex(name),
        dual.passage,
        tokenizer,
        dataset,
        indexOptions,
      );
      return { dual, index };
    } catch (error) {
      disposeDualEncoder(dual);
      throw error;
    }
  };
  const model = (name: string): Promise<TrainedDual> => {
    if (!models.has(name)) models.set(name, train(name));
    return models.get(name)!;
  };
  const index = (name: string): Promise<DenseIndex> => {
    if (!indexes.has(name)) {
      const made = model(name).then((m) =>
        passageIndex(keys.index(name), m.dual.passage, tokenizer, dataset, indexOptions),
      );
      indexes.set(name, made);
    }
    return indexes.get(name)!;
  };
  const dispose = async () => {
    for (const made of models.values()) {
      const trained = await made.catch(() => undefined);
      if (trained) disposeDualEncoder(trained.dual);
    }
  };
  return { model, index, untrained, dispose };
}

export function plannedModel(plan: GridPlan, name: string): PlannedModel {
  const found = plan.models.find((m) => m.name === name);
  if (!found)
    throw new Error(
      `grid plan has no model "${name}"; it has ${plan.models.map((m) => m.name).join(', ')}`,
    );
  return found;
}
