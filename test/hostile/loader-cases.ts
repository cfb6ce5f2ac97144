/**
 * The set-up the hostile dataset-loader tests (beir, msmarco, dpr) share: a good folder and
 * a loader make a `Loader`; from it, the runner of a case with given load options, the
 * folder with some files replaced, and the cases every folder format has — a required file
 * missing, a file that is a folder.
 */
import type { LoadOptions, RetrievalDataset } from '../../src/data/index.js';
import type { FileSpec, HostileCase } from './corpus.js';

type Files = Readonly<Record<string, FileSpec>>;

export interface Loader {
  /** `HostileCase.run` loading the case folder with `options`. */
  run(options?: LoadOptions): (dir: string) => Promise<RetrievalDataset>;
  /** The good folder with `files` replacing (or adding to) its files. */
  folder(files?: Files): Record<string, FileSpec>;
  /** The good folder without `file`. */
  without(file: string): Record<string, FileSpec>;
}

/** `good`: the files of a folder that loads; `load`: the loader, given the case folder. */
export function loader(
  good: Files,
  load: (dir: string, options: LoadOptions) => Promise<RetrievalDataset>,
): Loader {
  return {
    run:
      (options = {}) =>
      (dir) =>
        load(dir, options),
    folder: (files = {}) => ({ ...good, ...files }),
    without: (file) => Object.fromEntries(Object.entries(good).filter(([name]) => name !== file)),
  };
}

/** A loader's result, typed (a case's `accept` gets `unknown`). */
export const asDataset = (value: unknown): RetrievalDataset => value as RetrievalDataset;

/**
 * For each file of `missing`: the folder without it, an error containing each of its
 * names (default: the file's name and 'not found'). For each file of `folders`: that file
 * made a folder, an error naming it (or `folders`' own names).
 */
export function fileCases(
  l: Loader,
  missing: Readonly<Record<string, readonly string[] | null>>,
  folders: Readonly<Record<string, readonly string[] | null>>,
): HostileCase[] {
  const base = (file: string): string => file.slice(file.lastIndexOf('/') + 1);
  return [
    ...Object.entries(missing).map(([file, names]) => ({
      name: `no ${file}`,
      files: l.without(file),
      run: l.run(),
      expect: { error: names ?? [base(file), 'not found'] },
    })),
    ...Object.entries(folders).map(([file, names]) => ({
      name: `${file} is a folder`,
      files: l.folder({ [file]: { folder: true } }),
      run: l.run(),
      expect: { error: names ?? [base(file)] },
    })),
  ];
}
