#!/usr/bin/env node
// Executes every notebooks/*.ipynb headless with the tslab kernel (quick mode), writes the
// executed copies and their HTML export to out/notebooks/, opens each export in headless
// Chromium, and fails if any cell failed or a notebook did not produce its tables/charts.
//
//   npm run test:notebooks [-- --no-build] [-- --no-browser] [-- --full] [notebooks/02-x.ipynb ...]
//
// How failures are caught (tslab reports a failing cell on stderr, not as an error output,
// and answers cells sent within 200 ms after an error with nothing):
//   1. nbclient raises when a cell's execute_reply has status "error";
//   2. every stderr stream is scanned for tslab's compile diagnostics ("3:7 - Cannot find
//      name") and for thrown errors / stack traces, and error outputs are looked for;
//   3. the last code cell must print NOTEBOOK_COMPLETE (notebookComplete() in src/report),
//      so a notebook that silently stopped early fails;
//   4. a notebook must show at least metadata.kalelab.expect.{tables,figures} tables and
//      charts (default 1 each), and Chromium must draw every chart of its HTML export.
//
// The kernel runs with the notebook's folder as working directory, as JupyterLab does, so
// notebooks import the built library as '../dist/index.js' (this script builds dist/ first).
// It uses its own kernelspec (out/notebooks/jupyter/kernels/tslab) that starts this
// checkout's tslab with this Node, so it does not depend on what is registered globally.
//
// Environment: KALELAB_PYTHON (default /usr/bin/python3 if present: Debian's Jupyter),
// KALELAB_CHROMIUM (default /usr/bin/chromium), KALELAB_NOTEBOOK_CELL_TIMEOUT (s, default 900).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const OUT = join(ROOT, 'out', 'notebooks');
const NOTEBOOK_COMPLETE = 'kalelab: notebook complete'; // = NOTEBOOK_COMPLETE in src/report/display.ts
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
const DEFAULT_EXPECT = Object.freeze({ tables: 1, figures: 1 });
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Lines on stderr that mean a cell failed (tslab prints both compile and runtime errors there).
const STDERR_ERRORS = [
  /^(?:\S+ )?\d+:\d+ - .+/m, // tslab compile diagnostic: "3:7 - Cannot find name 'x'."
  /^(?:Uncaught\w*|UnhandledPromiseRejection|UncaughtException):?.*/m,
  /^[A-Za-z]*(?:Error|Exception)(?: \[[A-Z0-9_]+\])?: .*/m, // "TypeError: x", "Error [ERR_X]: y"
  /^\s+at .*evalmachine\.<anonymous>.*/m, // a stack frame in cell code
];

const PYTHON_RUNNER = String.raw`
import json, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

src, out_nb, out_html, cwd, timeout = sys.argv[1:6]
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, kernel_name='tslab', timeout=int(timeout), allow_errors=False,
                        record_timing=True, resources={'metadata': {'path': cwd}})
error = None
t0 = time.time()
try:
    client.execute()
except CellExecutionError as e:
    error = {'kind': 'cell', 'message': str(e)[-3000:]}
except Exception as e:
    error = {'kind': type(e).__name__, 'message': str(e)[-3000:]}
seconds = time.time() - t0
nbformat.write(nb, out_nb)
html, _ = HTMLExporter().from_notebook_node(nb)
with open(out_html, 'w', encoding='utf-8') as f:
    f.write(html)
print('KALELAB_RESULT ' + json.dumps({'error': error, 'seconds': seconds}))
`;

function parseArgs(argv) {
  const args = { build: true, browser: true, quick: true, only: [] };
  for (const a of argv) {
    if (a === '--no-build') args.build = false;
    else if (a === '--no-browser') args.browser = false;
    else if (a === '--full') args.quick = false;
    else if (a.startsWith('--'))
      throw new Error(`run-notebooks: unknown option ${a} (known: --no-build --no-browser --full)`);
    else args.only.push(resolve(a));
  }
  return args;
}

function pickPython() {
  if (process.env.KALELAB_PYTHON) return process.env.KALELAB_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function checkPython(python) {
  const r = spawnSync(python, ['-c', 'import nbclient, nbconvert, nbformat, jupyter_client'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(
      `run-notebooks: ${python} cannot import nbclient/nbconvert (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}).\n` +
        `  Install Debian's Jupyter: bash scripts/ci-setup-jupyter.sh\n` +
        `  (or set KALELAB_PYTHON to a Python that has nbclient and nbconvert).`,
    );
  }
}

function build() {
  const r = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    throw new Error(
      `run-notebooks: building dist/ failed (notebooks import ../dist):\n${r.stdout}${r.stderr}`,
    );
  }
}

/** A kernelspec that runs this checkout's tslab with this Node. Returns the JUPYTER_PATH entry. */
function writeKernelSpec() {
  const dir = join(OUT, 'jupyter');
  mkdirSync(join(dir, 'kernels', 'tslab'), { recursive: true });
  const tslab = join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!existsSync(tslab))
    throw new Error(`run-notebooks: ${relative(ROOT, tslab)} is missing; run npm ci`);
  const spec = {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab)',
    language: 'typescript',
  };
  writeFileSync(join(dir, 'kernels', 'tslab', 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  return dir;
}

function text(value) {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}

/** Committed notebooks carry no outputs (so diffs stay readable and no stale results ship). */
function checkClean(path, nb) {
  const dirty = nb.cells.filter(
    (c) => c.cell_type === 'code' && ((c.outputs?.length ?? 0) > 0 || c.execution_count != null),
  );
  return dirty.length === 0
    ? []
    : [
        `${dirty.length} code cell(s) have outputs in the committed notebook; clear them: ` +
          `/usr/bin/jupyter nbconvert --clear-output --inplace ${relative(ROOT, path)}`,
      ];
}

/** Cells are named 1-based, counting markdown cells, with their first line. */
function cellName(nb, i) {
  const first = text(nb.cells[i]?.source).trim().split('\n')[0] ?? '';
  return `cell ${i + 1} [${first.length > 60 ? first.slice(0, 59) + '…' : first}]`;
}

/** Where execution stopped: the last code cell that got an execution count. */
function stoppedAt(nb, error) {
  if (error.kind !== 'cell')
    return `execution stopped (${error.kind}): ${error.message.trim().split('\n').slice(-4).join(' | ')}`;
  let at = -1;
  nb.cells.forEach((c, i) => {
    if (c.cell_type === 'code' && c.execution_count != null) at = i;
  });
  return `execution stopped: ${at >= 0 ? cellName(nb, at) : 'a cell'} failed (execute_reply status "error")`;
}

/** What the executed notebook shows: failures, and counts of tables and charts. */
function analyse(nb) {
  const problems = [];
  let tables = 0;
  let figures = 0;
  const code = nb.cells
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.cell_type === 'code' && text(c.source).trim() !== '');
  let executed = 0;
  for (const { c, i } of code) {
    if (c.execution_count != null || (c.outputs?.length ?? 0) > 0) executed++;
    for (const o of c.outputs ?? []) {
      if (o.output_type === 'error') problems.push(`${cellName(nb, i)}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') {
        const t = text(o.text);
        for (const re of STDERR_ERRORS) {
          const m = re.exec(t);
          if (m) {
            problems.push(`${cellName(nb, i)} stderr: ${m[0].trim().slice(0, 300)}`);
            break;
          }
        }
      }
      if (o.output_type === 'display_data' || o.output_type === 'execute_result') {
        const data = o.data ?? {};
        const html = text(data['text/html']);
        if (data[PLOTLY_MIME] !== undefined) {
          if ((data[PLOTLY_MIME].data ?? []).length === 0)
            problems.push(`${cellName(nb, i)}: a chart with no traces`);
          figures++;
        } else if (html.includes('class="kalelab-figure"')) figures++;
        if (html.includes('<table')) tables++;
      }
    }
  }
  const last = code.at(-1);
  const lastOut = last
    ? (last.c.outputs ?? [])
        .filter((o) => o.output_type === 'stream')
        .map((o) => text(o.text))
        .join('')
    : '';
  if (!lastOut.includes(NOTEBOOK_COMPLETE)) {
    problems.push(
      `the last code cell did not print "${NOTEBOOK_COMPLETE}" (end each notebook with notebookComplete())`,
    );
  }
  return { problems, tables, figures, executed, cells: code.length };
}

async function launchChromium() {
  const executablePath = process.env.KALELAB_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `run-notebooks: Chromium not found at ${executablePath}; install it (apt-get install -y chromium), ` +
        `set KALELAB_CHROMIUM, or pass --no-browser.`,
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Opens the exported HTML offline and counts drawn charts and tables; saves a screenshot. */
async function checkInBrowser(browser, htmlPath, pngPath) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e).slice(0, 200)));
  try {
    // Offline, as where people teach: CDN scripts of nbconvert's template fail fast.
    await page.route(/^https?:/, (route) => route.abort());
    await page.goto('file://' + htmlPath, { waitUntil: 'load', timeout: 60000 });
    const figures = page.locator('.kalelab-figure');
    const expected = await figures.count();
    let drawn = 0;
    for (let i = 0; i < expected; i++) {
      const figure = figures.nth(i);
      const ok = await figure
        .locator('.main-svg')
        .first()
        .waitFor({ timeout: 30000 })
        .then(() => true)
        .catch(() => false);
      const marks = await figure.locator('.trace, .hm image').count();
      if (ok && marks > 0) drawn++;
    }
    const tables = await page.locator('.kalelab-table table, .jp-RenderedHTML table').count();
    await page.screenshot({ path: pngPath, fullPage: true });
    return { expected, drawn, tables, pageErrors };
  } finally {
    await page.close();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const all = existsSync(NOTEBOOKS)
    ? readdirSync(NOTEBOOKS)
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => join(NOTEBOOKS, f))
    : [];
  const notebooks = args.only.length > 0 ? args.only : all;
  if (notebooks.length === 0)
    throw new Error(`run-notebooks: no notebooks in ${relative(ROOT, NOTEBOOKS) || '.'}`);
  const python = pickPython();
  checkPython(python);
  if (args.build) build();
  mkdirSync(OUT, { recursive: true });
  const jupyterPath = writeKernelSpec();
  const env = {
    ...process.env,
    JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    ...(args.quick ? { KALELAB_QUICK: '1' } : {}),
  };
  const timeout = process.env.KALELAB_NOTEBOOK_CELL_TIMEOUT ?? '900';
  const browser = args.browser ? await launchChromium() : null;

  let failed = 0;
  try {
    for (const path of notebooks) {
      const name = basename(path, '.ipynb');
      const outNb = join(OUT, `${name}.ipynb`);
      const outHtml = join(OUT, `${name}.html`);
      const source = JSON.parse(readFileSync(path, 'utf8'));
      const problems = checkClean(path, source);
      const run = spawnSync(
        python,
        ['-c', PYTHON_RUNNER, path, outNb, outHtml, dirname(path), timeout],
        {
          cwd: ROOT,
          env,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('KALELAB_RESULT '));
      if (!line) {
        problems.push(
          `the runner failed: ${(run.stderr || run.error?.message || '').trim().slice(-2000)}`,
        );
        console.log(`FAIL ${name}.ipynb\n  ${problems.join('\n  ')}`);
        failed++;
        continue;
      }
      const result = JSON.parse(line.slice('KALELAB_RESULT '.length));
      const executedNb = JSON.parse(readFileSync(outNb, 'utf8'));
      if (result.error) problems.push(stoppedAt(executedNb, result.error));
      const seen = analyse(executedNb);
      problems.push(...seen.problems);
      const expect = { ...DEFAULT_EXPECT, ...(source.metadata?.kalelab?.expect ?? {}) };
      if (seen.tables < expect.tables)
        problems.push(`showed ${seen.tables} table(s), expected at least ${expect.tables}`);
      if (seen.figures < expect.figures)
        problems.push(`showed ${seen.figures} chart(s), expected at least ${expect.figures}`);
      let browserNote = 'browser: skipped';
      if (browser) {
        const b = await checkInBrowser(browser, outHtml, join(OUT, `${name}.png`));
        browserNote = `browser: ${b.drawn}/${b.expected} charts drawn, ${b.tables} tables`;
        if (b.drawn < b.expected || b.drawn < expect.figures)
          problems.push(
            `Chromium drew ${b.drawn} of ${b.expected} charts in ${relative(ROOT, outHtml)}`,
          );
        if (b.tables < expect.tables)
          problems.push(`Chromium found ${b.tables} tables in ${relative(ROOT, outHtml)}`);
        if (b.pageErrors.length > 0)
          browserNote += ` (page errors, not ours unless about plotly: ${b.pageErrors.join(' | ')})`;
      }
      const status = problems.length === 0 ? 'PASS' : 'FAIL';
      if (problems.length > 0) failed++;
      console.log(
        `${status} ${name}.ipynb  ${result.seconds.toFixed(1)}s  cells ${seen.executed}/${seen.cells}  ` +
          `tables ${seen.tables} (≥${expect.tables})  charts ${seen.figures} (≥${expect.figures})  ${browserNote}`,
      );
      for (const p of problems) console.log(`  - ${p}`);
    }
  } finally {
    await browser?.close();
  }
  console.log(
    `${notebooks.length - failed}/${notebooks.length} notebooks passed; executed copies, HTML and screenshots in ${relative(ROOT, OUT)}/`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
