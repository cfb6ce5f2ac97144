/**
 * Load times of the real datasets in ../shared/datasets (KALELAB_DATASETS) through
 * `loadDataset`, and build times of the embedded WordNet tasks (quick and full), with
 * their counts. Each row is timed in a fresh state except the WordNet lexicon, which is
 * parsed once (its time is its own row).
 *
 *   npx tsx bench/data-load.ts
 *
 * Prints one JSON object: { rows: [{ spec, seconds, cpuSeconds, documents, splits }] }.
 */
import { join } from 'node:path';
import { loadDataset, loadWordNetLexicon, summarizeDataset } from '../src/data/index.js';

const root = process.env['KALELAB_DATASETS'] ?? '../shared/datasets';

async function timed<T>(
  f: () => Promise<T>,
): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const cpu = process.cpuUsage(cpu0);
  return {
    value,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const round = (x: number): number => +x.toFixed(3);
const rows: unknown[] = [];
const specs = [
  `beir:${join(root, 'scifact')}`,
  `beir:${join(root, 'squad-v2-dev-answerable')}`,
  `dpr:${join(root, 'squad-v2-dev-answerable', 'dpr-test.json')}`,
];
for (const spec of specs) {
  const { value, seconds, cpuSeconds } = await timed(() => loadDataset(spec));
  const s = summarizeDataset(value);
  const splits = Object.fromEntries(
    Object.entries(s.splits).map(([k, v]) => [k, { queries: v.queries, qrels: v.qrels }]),
  );
  rows.push({
    spec,
    seconds: round(seconds),
    cpuSeconds: round(cpuSeconds),
    documents: s.documents,
    splits,
  });
}
const lexicon = await timed(() => loadWordNetLexicon());
rows.push({
  spec: 'wordnet lexicon (parse once)',
  seconds: round(lexicon.seconds),
  cpuSeconds: round(lexicon.cpuSeconds),
});
for (const spec of [
  'wordnet-senses:quick',
  'wordnet-senses:full',
  'wordnet-definitions:quick',
  'wordnet-definitions:full',
]) {
  const { value, seconds, cpuSeconds } = await timed(() => loadDataset(spec));
  const splits = Object.fromEntries(
    Object.entries(value.splits).map(([k, v]) => [
      k,
      {
        queries: Object.keys(v.queries).length,
        hardNegatives: v.hardNegatives ? Object.keys(v.hardNegatives).length : 0,
      },
    ]),
  );
  rows.push({
    spec,
    seconds: round(seconds),
    cpuSeconds: round(cpuSeconds),
    documents: Object.keys(value.corpus).length,
    splits,
  });
}
process.stdout.write(JSON.stringify({ bench: 'data-load', rows }, null, 1) + '\n');
