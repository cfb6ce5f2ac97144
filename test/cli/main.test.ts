import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { walkthroughRun } from '../../src/experiment/index.js';

describe('kalelab CLI', () => {
  it('registers every command of the DESIGN.md contract, with its options', () => {
    const program = buildProgram();
    const commands = Object.fromEntries(program.commands.map((c) => [c.name(), c]));
    expect(Object.keys(commands).sort()).toEqual(
      [
        'bench',
        'compare',
        'dataset',
        'encode',
        'env',
        'eval-run',
        'experiment',
        'export',
        'walkthrough',
      ].sort(),
    );
    const flags = (name: string) => commands[name]!.options.map((o) => o.long);
    expect(flags('walkthrough')).toEqual(expect.arrayContaining(['--quick', '--out', '--engine']));
    expect(flags('experiment')).toEqual(
      expect.arrayContaining(['--dataset', '--out', '--init', '--engine']),
    );
    expect(flags('eval-run')).toEqual(
      expect.arrayContaining(['--qrels', '--run', '--metrics', '--json']),
    );
    expect(flags('encode')).toEqual(
      expect.arrayContaining(['--model', '--input', '--pooling', '--out', '--engine']),
    );
    expect(flags('export')).toEqual(
      expect.arrayContaining([
        '--model',
        '--out',
        '--pooling',
        '--normalize',
        '--quantize',
        '--opset',
      ]),
    );
    expect(flags('dataset')).toEqual(expect.arrayContaining(['--dataset', '--json']));
    expect(flags('bench')).toEqual(expect.arrayContaining(['--json', '--quick']));
    expect(flags('compare')).toEqual(
      expect.arrayContaining([
        '--qrels',
        '--run',
        '--baseline',
        '--metrics',
        '--test',
        '--correction',
        '--json',
      ]),
    );
  });

  it('refuses an unknown --engine before starting, naming the allowed ones', async () => {
    const program = buildProgram().exitOverride();
    await expect(
      program.parseAsync(['walkthrough', '--quick', '--engine', 'gpu'], { from: 'user' }),
    ).rejects.toThrow('--engine: unknown engine "gpu"; allowed: auto, onnxruntime, tfjs');
    await expect(
      buildProgram()
        .exitOverride()
        .parseAsync(['experiment', '--dataset', 'beir:nowhere', '--engine', 'GPU'], {
          from: 'user',
        }),
    ).rejects.toThrow('--engine: unknown engine "GPU"; allowed: auto, onnxruntime, tfjs');
  });

  it('runs the quick walkthrough on wordnet-senses only, the full one on both tasks', () => {
    expect(walkthroughRun('quick').datasets).toEqual(['wordnet-senses:quick,maxQueries=1800']);
    expect(walkthroughRun('full').datasets).toEqual([
      'wordnet-senses:full',
      'wordnet-definitions:full',
    ]);
  });
});
