import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendList, formatBackendReport } from '../../src/backend/index.js';
import { requestedThreads } from '../../src/backend/threads.js';

describe('initBackend', () => {
  it('starts wasm with SIMD on KALELAB_THREADS threads (default every core), and reports it', async () => {
    const report = await initBackend({ prefer: 'wasm', announce: false });
    expect(report.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.simd).toBe(true);
    const threads = requestedThreads();
    expect(report.threads).toBe(threads);
    const plural = threads === 1 ? '1 thread' : `${threads} threads`;
    expect(formatBackendReport(report)).toContain(`kalelab backend: wasm (CPU, ${plural}, SIMD)`);
  });

  it('starts cpu on request', async () => {
    const report = await initBackend({ prefer: 'cpu', announce: false });
    expect(report.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('falls through a missing native backend with one line, not a throw', async () => {
    const report = await initBackend({ prefer: ['tensorflow', 'wasm'], announce: false });
    const native = report.attempts[0]!;
    expect(native.name).toBe('tensorflow');
    if (!native.ok) {
      expect(report.name).toBe('wasm');
      expect(native.note).not.toContain('\n');
      expect(report.reason).toContain('skipped tensorflow');
    }
  });

  it('honours KALELAB_BACKEND and rejects unknown names', async () => {
    process.env['KALELAB_BACKEND'] = 'cpu';
    try {
      const report = await initBackend({ announce: false });
      expect(report.name).toBe('cpu');
      expect(report.reason).toBe('KALELAB_BACKEND=cpu');
    } finally {
      delete process.env['KALELAB_BACKEND'];
    }
    expect(() => parseBackendList('wasm, webgl')).toThrow(
      /unknown backend "webgl"; allowed: tensorflow, webgpu, wasm, cpu/,
    );
    expect(parseBackendList(' WASM ,cpu')).toEqual(['wasm', 'cpu']);
  });
});
