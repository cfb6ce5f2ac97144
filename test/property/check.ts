/**
 * One place for how property tests run: a fixed seed (runs are reproducible; a failure
 * prints the seed and path to replay it), at least 200 runs, and the counts the test run
 * prints ("properties checked: N (M generated cases)").
 */
import fc from 'fast-check';
import type { TestContext } from 'vitest';
import { addCount } from '../counts.js';

/** The suite's seed: change it to explore other cases, keep it fixed in commits. */
export const PROPERTY_SEED = 20261201;
export const DEFAULT_RUNS = 200;

/** Checks `property` (sync or async) with the suite's seed and counts it. */
export async function check<T>(
  context: Pick<TestContext, 'task'>,
  property: fc.IProperty<T> | fc.IAsyncProperty<T>,
  numRuns = DEFAULT_RUNS,
): Promise<void> {
  if (numRuns < DEFAULT_RUNS)
    throw new Error(`check: at least ${DEFAULT_RUNS} runs, got ${numRuns}`);
  await fc.assert(property as fc.IAsyncProperty<T>, { seed: PROPERTY_SEED, numRuns });
  addCount(context, 'properties checked');
  addCount(context, 'properties checked: generated cases', numRuns);
}
