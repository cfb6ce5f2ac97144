/**
 * Hostile config.json and checkpoint folders: out-of-range or mistyped fields fail before
 * any allocation, naming config.json and the field (num_hidden_layers 10^9 must not try
 * to list 16·10^9 tensors); a config that disagrees with its weights names the tensor;
 * pickles are refused with a pointer to safetensors.
 */
import { beforeAll } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { disposeEncoder, loadEncoderWeights, type Encoder } from '../../src/model/index.js';
import { check, describeCases, type HostileCase } from './corpus.js';
import { tensorsFile, tinyModel, TINY_CONFIG } from './tiny-model.js';

beforeAll(async () => {
  process.env['KALELAB_QUIET'] = '1';
  await initBackend({ prefer: 'cpu', announce: false });
});

const load = (dir: string) => loadEncoderWeights(dir, { trainable: false });
type Loaded = { encoder: Encoder; report: { unexpected: string[] } };

/** A config field set to `value`: an error naming config.json and the field. */
function fieldCase(field: string, value: unknown, names: readonly string[] = [field]): HostileCase {
  return {
    name: `config.json ${field} = ${JSON.stringify(value)}`,
    files: tinyModel({ [field]: value }),
    run: load,
    expect: { error: ['config.json', ...names] },
  };
}

const fieldCases: HostileCase[] = [
  fieldCase('num_hidden_layers', 1e6),
  fieldCase('num_hidden_layers', 1e9),
  fieldCase('num_hidden_layers', 2 ** 53),
  fieldCase('num_hidden_layers', -1),
  fieldCase('num_hidden_layers', 1.5),
  fieldCase('num_hidden_layers', '4'),
  fieldCase('num_hidden_layers', null),
  fieldCase('hidden_size', 1e9),
  fieldCase('hidden_size', 0),
  fieldCase('vocab_size', 1e12),
  fieldCase('vocab_size', -400),
  fieldCase('intermediate_size', 2 ** 40),
  fieldCase('num_attention_heads', 0),
  fieldCase('num_attention_heads', 5, ['hiddenSize', 'numAttentionHeads']),
  fieldCase('max_position_embeddings', 1e7),
  fieldCase('type_vocab_size', 0),
  fieldCase('type_vocab_size', 1e8),
  fieldCase('layer_norm_eps', 0, ['layerNormEps']),
  fieldCase('layer_norm_eps', 'small'),
  fieldCase('initializer_range', -1, ['initializerRange']),
  fieldCase('model_type', 'roberta'),
  fieldCase('hidden_act', 'relu'),
  fieldCase('position_embedding_type', 'relative_key'),
  // In range, but far more parameters than the weights hold.
  fieldCase('num_hidden_layers', 1000, ['num_hidden_layers 1000', 'under 2 bytes per parameter']),
  fieldCase('hidden_size', 4096, ['hidden_size 4096', 'under 2 bytes per parameter']),
  // In range and small, but not what the weights are.
  fieldCase('num_hidden_layers', 3, ['layer 3', 'num_hidden_layers 3']),
  fieldCase('num_hidden_layers', 5, ['missing tensor', 'encoder.layer.4.']),
  fieldCase('intermediate_size', 48, ['has shape', 'intermediate.dense']),
];

const fileCases: HostileCase[] = [
  {
    name: 'config.json with 1e999 (JSON Infinity)',
    files: tinyModel(
      {},
      {
        'config.json': JSON.stringify(TINY_CONFIG).replace(
          '"num_hidden_layers":4',
          '"num_hidden_layers":1e999',
        ),
      },
    ),
    run: load,
    expect: { error: ['config.json', 'num_hidden_layers'] },
  },
  {
    name: 'config.json not JSON',
    files: tinyModel({}, { 'config.json': '{"vocab_size": 400,' }),
    run: load,
    expect: { error: ['config.json', 'not valid JSON'] },
  },
  {
    name: 'config.json an array',
    files: tinyModel({}, { 'config.json': '[]' }),
    run: load,
    expect: { error: ['config.json', 'JSON object'] },
  },
  {
    name: 'config.json a folder',
    files: tinyModel({}, { 'config.json': { folder: true } }),
    run: load,
    expect: { error: ['config.json', 'EISDIR'] },
  },
  {
    name: 'no config.json',
    files: { 'model.safetensors': tinyModel()['model.safetensors']!, 'vocab.txt': 'x' },
    run: load,
    expect: { error: ['config.json', 'ENOENT'] },
  },
  {
    name: 'a missing tensor',
    files: tinyModel(
      {},
      {
        'model.safetensors': tensorsFile((t) =>
          t.filter((x) => x.name !== 'embeddings.LayerNorm.bias'),
        ),
      },
    ),
    run: load,
    expect: { error: ['missing tensor', 'embeddings.LayerNorm.bias'] },
  },
  {
    name: 'a tensor of the wrong shape',
    files: tinyModel(
      {},
      {
        'model.safetensors': tensorsFile((t) =>
          t.map((x) => (x.name === 'embeddings.LayerNorm.bias' ? { ...x, shape: [2, 16] } : x)),
        ),
      },
    ),
    run: load,
    expect: { error: ['embeddings.LayerNorm.bias', 'has shape [2, 16]'] },
  },
  {
    name: 'two names for one tensor (bert. prefix and plain)',
    files: tinyModel(
      {},
      {
        'model.safetensors': tensorsFile((t) => [
          ...t,
          {
            ...t.find((x) => x.name === 'embeddings.LayerNorm.bias')!,
            name: 'bert.embeddings.LayerNorm.bias',
          },
        ]),
      },
    ),
    run: load,
    expect: { error: ['model.safetensors', 'both map to'] },
  },
  {
    name: 'only a pickled pytorch_model.bin',
    files: {
      'config.json': JSON.stringify(TINY_CONFIG),
      'pytorch_model.bin': 'PK\u0003\u0004 pickle',
      'vocab.txt': 'x',
    },
    run: load,
    expect: { error: ['pytorch_model.bin', 'never reads pickled', 'safetensors'] },
  },
  {
    name: 'no weights at all',
    files: { 'config.json': JSON.stringify(TINY_CONFIG) },
    run: load,
    expect: { error: ['no model.safetensors'] },
  },
  {
    name: 'model.safetensors a folder',
    files: tinyModel({}, { 'model.safetensors': { folder: true } }),
    run: load,
    expect: { error: ['model.safetensors', 'EISDIR'] },
  },
  {
    name: 'a sharded index that is not JSON',
    files: {
      'config.json': JSON.stringify(TINY_CONFIG),
      'model.safetensors.index.json': '{"weight_map":',
    },
    run: load,
    expect: { error: ['model.safetensors.index.json', 'not valid JSON'] },
  },
  {
    name: 'a sharded index without weight_map',
    files: {
      'config.json': JSON.stringify(TINY_CONFIG),
      'model.safetensors.index.json': '{"metadata":{}}',
    },
    run: load,
    expect: { error: ['model.safetensors.index.json', 'weight_map'] },
  },
  {
    name: 'a sharded index with a numeric shard',
    files: {
      'config.json': JSON.stringify(TINY_CONFIG),
      'model.safetensors.index.json': '{"weight_map":{"a":7}}',
    },
    run: load,
    expect: { error: ['model.safetensors.index.json', 'weight_map'] },
  },
  {
    name: 'a sharded index naming a path outside the folder',
    files: {
      'config.json': JSON.stringify(TINY_CONFIG),
      'model.safetensors.index.json': '{"weight_map":{"a":"../x.safetensors"}}',
    },
    run: load,
    expect: { error: ['model.safetensors.index.json', 'plain file name'] },
  },
  {
    name: 'a pooler and an MLM head (ignored and reported)',
    files: tinyModel(
      {},
      {
        'model.safetensors': tensorsFile((t) => [
          ...t,
          { name: 'cls.seq_relationship.bias', shape: [2], data: new Float32Array(2) },
          { name: 'cls.predictions.bias', shape: [400], data: new Float32Array(400) },
        ]),
      },
    ),
    run: load,
    expect: {
      reported: true,
      accept: (v) => {
        const { encoder, report } = v as Loaded;
        disposeEncoder(encoder);
        check(
          report.unexpected.join() ===
            'cls.predictions.bias,cls.seq_relationship.bias,pooler.dense.bias,pooler.dense.weight',
          report.unexpected.join(),
        );
      },
    },
  },
  {
    name: 'bert. prefixes and old gamma/beta names',
    files: tinyModel(
      {},
      {
        'model.safetensors': tensorsFile((t) =>
          t.map((x) => ({
            ...x,
            name: 'bert.' + x.name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma'),
          })),
        ),
      },
    ),
    run: load,
    expect: {
      accept: (v) => {
        const { encoder } = v as Loaded;
        const n = encoder.weights.size;
        disposeEncoder(encoder);
        check(n > 0, 'loaded');
      },
    },
  },
  {
    name: 'unknown extra config fields',
    files: tinyModel({ my_field: [1, 2], num_labels: 7 }),
    run: load,
    expect: {
      accept: (v) => {
        const { encoder } = v as Loaded;
        disposeEncoder(encoder);
        check(encoder.config.numHiddenLayers === 4, '4 layers');
      },
    },
  },
];

describeCases('config', [...fieldCases, ...fileCases]);
