/**
 * The query encoders of a grid's cache folder (OUT/<dataset>/, layout in
 * src/experiment/cache.ts: <kind>/<name>-<key16>/, sealed by key.json), grouped by the
 * trained model whose passage index they search: the model's own query encoder, its
 * pruned copies and their aligned versions. Pruned encoders are not saved by the grid; they
 * are rebuilt here from the model's query encoder and the layers an aligned name keeps
 * (`full-keep0.2-kl` keeps layers 0 and 2 of `full`).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A query encoder to measure: saved at `dir`, or the layers `keep` of the model's query. */
export interface GridQuery {
  readonly name: string;
  readonly dir: string;
  readonly keep?: readonly number[];
}

export interface GridGroup {
  /** The trained model's name (its folder holds query/ and passage/). */
  readonly model: string;
  readonly modelDir: string;
  readonly queries: readonly GridQuery[];
}

const KEYED = /^(.+)-[0-9a-f]{16}$/;

/** Sealed artifacts of `kind` under `root`, by name; the newest where a name has several. */
async function sealed(root: string, kind: string): Promise<Map<string, string>> {
  const dir = join(root, kind);
  const names = await readdir(dir).catch(() => {
    throw new Error(`${dir}: no such folder (is ${root} a grid's OUT/<dataset> folder?)`);
  });
  const newest = new Map<string, { dir: string; mtime: number }>();
  for (const folder of names) {
    const name = KEYED.exec(folder)?.[1];
    if (name === undefined) continue;
    const seal = await stat(join(dir, folder, 'key.json')).catch(() => undefined);
    if (seal === undefined) continue; // work in progress
    const known = newest.get(name);
    if (!known || seal.mtimeMs > known.mtime)
      newest.set(name, { dir: join(dir, folder), mtime: seal.mtimeMs });
  }
  return new Map([...newest].map(([name, v]) => [name, v.dir]));
}

/** The layers an aligned encoder's name keeps, and the model it was pruned from. */
export function parseAlignedName(name: string): { model: string; keep: number[] } | null {
  const m = /^(.+)-keep([0-9.]+)-[a-z]+$/.exec(name);
  if (!m) return null;
  return { model: m[1]!, keep: m[2]!.split('.').map(Number) };
}

/** Every trained model of `root` with the query encoders that search its index. */
export async function gridGroups(root: string): Promise<GridGroup[]> {
  const models = await sealed(root, 'models');
  if (models.size === 0) throw new Error(`${join(root, 'models')}: no sealed model`);
  const aligned = await sealed(root, 'aligned').catch(() => new Map<string, string>());
  const groups: GridGroup[] = [];
  for (const [model, modelDir] of [...models].sort(([a], [b]) => a.localeCompare(b))) {
    const queries: GridQuery[] = [{ name: model, dir: join(modelDir, 'query') }];
    const pruned = new Set<string>();
    for (const [name, dir] of [...aligned].sort(([a], [b]) => a.localeCompare(b))) {
      const parsed = parseAlignedName(name);
      if (parsed?.model !== model) continue;
      const prunedName = `${model}-keep${parsed.keep.join('.')}`;
      if (!pruned.has(prunedName)) {
        pruned.add(prunedName);
        queries.push({ name: prunedName, dir: join(modelDir, 'query'), keep: parsed.keep });
      }
      queries.push({ name, dir });
    }
    groups.push({ model, modelDir, queries });
  }
  return groups;
}
