// Prints vitest's totals as one plain line: "tests: N passed, N failed, N skipped", then one
// line per count group the tests kept in their meta (test/counts.ts), e.g.
// "faults injected: 12 (3 training, 4 corpus encoding, ...)".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'out/vitest.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);

/** group → { total, labels: label → n }; a key is "group" or "group: label". */
const groups = new Map();
for (const suite of r.testResults ?? []) {
  for (const test of suite.assertionResults ?? []) {
    for (const [key, n] of Object.entries(test.meta?.counts ?? {})) {
      const at = key.indexOf(': ');
      const group = at < 0 ? key : key.slice(0, at);
      const g = groups.get(group) ?? { total: 0, labels: new Map() };
      if (at < 0) g.total += n;
      else g.labels.set(key.slice(at + 2), (g.labels.get(key.slice(at + 2)) ?? 0) + n);
      groups.set(group, g);
    }
  }
}
for (const [group, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
  const labels = [...g.labels].map(([label, n]) => `${n} ${label}`).join(', ');
  const total =
    g.total > 0 ? String(g.total) : String([...g.labels.values()].reduce((a, b) => a + b, 0));
  console.log(`${group}: ${total}${labels ? ` (${labels})` : ''}`);
}
if (r.numTotalTests === 0) {
  console.error('no tests ran');
  process.exit(1);
}
