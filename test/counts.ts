/**
 * Counts a test reports beyond pass/fail (properties checked, faults injected, hostile
 * inputs by outcome): kept in the test's `meta`, which vitest's JSON reporter writes out,
 * and summed by scripts/print-test-counts.mjs into one line per group.
 *
 * A key is a group ("faults injected") or a group and a label ("hostile inputs: clear
 * error"); values add up over all tests.
 */
import type { TestContext } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** group or "group: label" → count. */
    counts?: Record<string, number>;
  }
}

/** Adds `n` to the count `key` of the running test (`context` is the test's first argument). */
export function addCount(context: Pick<TestContext, 'task'>, key: string, n = 1): void {
  const counts = (context.task.meta.counts ??= {});
  counts[key] = (counts[key] ?? 0) + n;
}
