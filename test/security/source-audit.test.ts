/**
 * Static audit of the shipped code (src/, bin/, scripts/): nothing evaluates code from
 * data. No eval, no Function constructor, no node:vm, no shell (child_process only through
 * execFile/execFileSync with an argument list, in the two commands that run tools), and
 * dynamic import() only of fixed package names. The few allowed uses are listed here with
 * why, so a new one fails this test until someone looks at it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['src', 'bin', 'scripts'];

function sources(): { path: string; text: string }[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((p) => /\.(ts|js|mjs|cjs)$/.test(p))
      .map((p) => {
        const path = relative(ROOT, join(ROOT, folder, p))
          .split('\\')
          .join('/');
        // comments do not run: blank out // lines and /* */ blocks (keeping line numbers)
        const text = readFileSync(join(ROOT, folder, p), 'utf8')
          .replace(/^\s*\/\*[\s\S]*?\*\//gm, (c) => c.replace(/[^\n]/g, ''))
          .replace(/^\s*\/\/.*$/gm, '');
        return { path, text };
      }),
  );
}

/** Every file:line where `pattern` matches. */
function hits(pattern: RegExp): string[] {
  return sources().flatMap(({ path, text }) =>
    text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${path}:${i + 1}`] : [])),
  );
}
const files = (found: string[]): string[] =>
  [...new Set(found.map((h) => h.split(':')[0]!))].sort();

describe('no code is evaluated from data', () => {
  it('reads a real tree', () => {
    expect(sources().length).toBeGreaterThan(50);
  });

  it('no eval, Function constructor or node:vm', () => {
    expect(hits(/(^|[^.\w])eval\s*\(|new\s+Function\s*\(|(^|[^.\w])Function\s*\(/)).toEqual([]);
    expect(hits(/from\s+['"](node:)?vm['"]|require\(\s*['"](node:)?vm['"]\s*\)/)).toEqual([]);
  });

  it('child_process only in the commands that run tools, only execFile*, never a shell', () => {
    // bench runs the PyTorch peer script, and src/bench its peers (PyTorch, ONNX Runtime on
    // torch's export) and one child per thread count; env reports tool versions (nvidia-smi,
    // python); prepare.mjs runs tsc; run-notebooks.mjs runs Jupyter and Chromium for the
    // notebooks; test-setup.ts runs ensure-chromium.sh before the tests.
    expect(files(hits(/['"](node:)?child_process['"]/))).toEqual(
      [
        'src/bench/query-encoder-peers.ts',
        'src/bench/training-peers.ts',
        'src/cli/commands/bench.ts',
        'src/cli/commands/env.ts',
        'scripts/prepare.mjs',
        'scripts/run-notebooks.mjs',
        'scripts/test-setup.ts',
      ].sort(),
    );
    expect(hits(/(^|[^.\w])(execSync|exec)\s*\(|shell\s*:\s*true/)).toEqual([]);
  });

  it('dynamic import() only of fixed names', () => {
    // bin/kalelab.js imports dist/cli/main.js; init.ts the optional native tfjs packages
    // by their (constant) names;
    // module-worker.ts builds a worker's module source from tsx's own package paths (for
    // background.ts and train/data-parallel.ts).
    expect(files(hits(/import\(\s*[^'"`\s)]/))).toEqual([
      'bin/kalelab.js',
      'src/backend/init.ts',
      'src/util/module-worker.ts',
    ]);
    // Worker sources evaluated in a thread: module-worker.ts's (built from tsx's paths) and
    // threads.ts's (tfjs-backend-wasm's own pthread script, read from the installed package).
    expect(hits(/eval\s*:\s*true/).map((h) => h.split(':')[0])).toEqual([
      'src/backend/threads.ts',
      'src/util/module-worker.ts',
    ]);
  });

  it('no pickle reader: .bin, .pt and .pth weights are refused, not parsed', () => {
    expect(hits(/pickle|unpickl/i).every((h) => h.startsWith('src/model/checkpoint.ts'))).toBe(
      true,
    );
  });
});
