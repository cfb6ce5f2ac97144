/**
 * Starts a worker thread on a sibling module of the caller, from source or from dist/:
 * the compiled .js next to the caller, or — when the caller runs from source (.ts, under
 * vitest or tsx) — the .ts source, loaded through tsx's API (a loader flag in the worker's
 * execArgv is not honoured by worker threads). Shared by the grid's background trainer
 * (experiment/background.ts) and data-parallel training (train/data-parallel.ts).
 *
 * It does not talk to the worker: the caller owns messages, errors and termination.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A Worker running `name` (a file name without extension, e.g. 'train-worker') in the
 * folder of `callerUrl` (the caller's `import.meta.url`), with the caller's extension.
 */
export function startModuleWorker(
  callerUrl: string,
  name: string,
  options: WorkerOptions = {},
): Worker {
  // pathname: a module loaded by tsImport has a query (?tsx-namespace=…) after its name.
  if (!new URL(callerUrl).pathname.endsWith('.ts'))
    return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const tsx = tsxEsmApi();
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const script = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(script, { ...options, eval: true });
}

/** tsx's ESM API module (its `import` export; the `require` one cannot load in a worker). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return new URL(pkg.exports['./esm/api']!.import.default, pathToFileURL(manifest)).href;
}
