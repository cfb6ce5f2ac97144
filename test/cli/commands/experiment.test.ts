import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  seedFlag,
  walkthroughPreamble,
  walkthroughSize,
} from '../../../src/cli/commands/experiment.js';

const WASM = { name: 'wasm', gpu: false, threads: 2, reason: 'first that started' } as const;

describe('walkthrough flags', () => {
  it('is standard unless --quick or --full, and not both', () => {
    expect(walkthroughSize({})).toBe('standard');
    expect(walkthroughSize({ quick: true })).toBe('quick');
    expect(walkthroughSize({ full: true })).toBe('full');
    expect(() => walkthroughSize({ quick: true, full: true })).toThrow(
      /--quick or --full, not both/,
    );
  });

  it('--seed takes a non-negative integer and names the bad value', () => {
    expect(seedFlag(undefined)).toBeUndefined();
    expect(seedFlag('7')).toBe(7);
    expect(() => seedFlag('1.5')).toThrow(/--seed: "1.5" is not a non-negative integer/);
    expect(() => seedFlag('-2')).toThrow(/--seed: "-2"/);
  });
});

describe('walkthroughPreamble', () => {
  it('says the preset, why, the backend and the estimate', () => {
    const lines = walkthroughPreamble('standard', WASM, {
      seconds: 1200,
      wallSeconds: 600,
      trainSteps: 2400,
      secondsPerGflop: 0.1,
    });
    expect(lines[0]).toMatch(
      /^walkthrough: standard \(the default\): wordnet-senses, all 42,939 queries \(23,676 train, 17,111 test\)/,
    );
    expect(lines[1]).toBe('  backend wasm (CPU, 2 thread(s)): first that started');
    expect(lines[2]).toMatch(/ran at 10\.00 GFLOP\/s/);
    expect(lines[3]).toMatch(
      /^ {2}estimated 10 min \(20 min of compute on two threads: 2400 training steps/,
    );
    expect(lines).toHaveLength(4);
  });

  it('past an hour, says so and how to choose', () => {
    const long = { seconds: 2 * 86400, wallSeconds: 2 * 86400, trainSteps: 1, secondsPerGflop: 1 };
    const standard = walkthroughPreamble('standard', WASM, { ...long, wallSeconds: 7200 });
    expect(standard[3]).toMatch(/estimated 2\.0 h/);
    expect(standard[4]).toMatch(/more than an hour on this backend.*`kalelab walkthrough --quick`/);
    const full = walkthroughPreamble('full', WASM, long);
    expect(full[0]).toMatch(/chosen by --full/);
    expect(full[3]).toMatch(/estimated 2\.0 days/);
    expect(full[4]).toMatch(/choose `kalelab walkthrough` \(standard/);
    const quick = walkthroughPreamble('quick', WASM, long);
    expect(quick[4]).toMatch(/choose a faster backend/);
    const gpu = walkthroughPreamble('full', WASM, long, 'the default on this GPU backend');
    expect(gpu[0]).toMatch(/^walkthrough: full \(the default on this GPU backend\)/);
  });

  it('formats durations in s, min, h and days', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(900)).toBe('15 min');
    expect(formatDuration(3 * 3600)).toBe('3.0 h');
    expect(formatDuration(3 * 86400)).toBe('3.0 days');
  });
});
