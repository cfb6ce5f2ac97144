/**
 * Hostile vocabularies (vocab.txt, tokenizer.json, tokenizer_config.json), read with
 * WordPieceTokenizer.fromDir: every bad file is a clear error naming it (and the line or
 * field); a repeated token in vocab.txt is refused even without a tokenizer.json to
 * disagree with; odd but valid vocabularies tokenize as they should.
 */
import { WordPieceTokenizer } from '../../src/text/index.js';
import { check, describeCases, withBadUtf8, type FileSpec, type HostileCase } from './corpus.js';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = ['the', 'cat', 'sat', '##s', 'constructor', '__proto__', 'tostring'];
const VOCAB = [...SPECIALS, ...WORDS];
const vocabTxt = (tokens: readonly string[] = VOCAB): string => tokens.join('\n') + '\n';

function tokenizerJson(
  over: Record<string, unknown> = {},
  model: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    version: '1.0',
    normalizer: {
      type: 'BertNormalizer',
      lowercase: true,
      strip_accents: null,
      handle_chinese_chars: true,
    },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      ...model,
    },
    ...over,
  });
}

const load = (dir: string) => WordPieceTokenizer.fromDir(dir);
const tok = (v: unknown) => v as WordPieceTokenizer;

function bad(name: string, files: Record<string, FileSpec>, ...names: string[]): HostileCase {
  return { name, files, run: load, expect: { error: names } };
}

const badCases: HostileCase[] = [
  bad(
    'vocab.txt repeating "cat"',
    { 'vocab.txt': vocabTxt([...VOCAB, 'cat']) },
    'vocab.txt:13',
    'repeats line 7',
  ),
  bad(
    'vocab.txt repeating [PAD]',
    { 'vocab.txt': vocabTxt(['[PAD]', ...VOCAB]) },
    'vocab.txt:2',
    'repeats line 1',
  ),
  bad(
    'vocab.txt repeating an empty line',
    { 'vocab.txt': vocabTxt([...VOCAB, '', '']) },
    'vocab.txt:14',
    'repeats line 13',
  ),
  bad(
    'vocab.txt repeating a token only by CRLF',
    { 'vocab.txt': 'cat\r\n' + vocabTxt() },
    'vocab.txt:8',
    'repeats line 1',
  ),
  bad('an empty vocab.txt', { 'vocab.txt': '' }, 'vocab.txt', 'empty'),
  bad(
    'vocab.txt without [CLS]',
    { 'vocab.txt': vocabTxt(VOCAB.filter((t) => t !== '[CLS]')) },
    'vocab.txt',
    '[CLS]',
  ),
  bad(
    'vocab.txt without [UNK]',
    { 'vocab.txt': vocabTxt(VOCAB.filter((t) => t !== '[UNK]')) },
    'vocab.txt',
    '[UNK]',
  ),
  bad(
    'vocab.txt with bytes that are not UTF-8',
    { 'vocab.txt': withBadUtf8(vocabTxt() + 'ca', 't2\n') },
    'vocab.txt:13',
    'UTF-8',
  ),
  bad('vocab.txt that is a folder', { 'vocab.txt': { folder: true } }, 'vocab.txt', 'EISDIR'),
  bad('no vocabulary at all', { 'config.json': '{}' }, 'no vocab.txt or tokenizer.json'),
  bad(
    'tokenizer.json that is not JSON',
    { 'tokenizer.json': '{"model":' },
    'tokenizer.json',
    'not valid JSON',
  ),
  bad(
    'tokenizer.json that is a folder',
    { 'tokenizer.json': { folder: true } },
    'tokenizer.json',
    'EISDIR',
  ),
  bad(
    'tokenizer.json without model',
    { 'tokenizer.json': '{"version":"1.0"}' },
    'tokenizer.json',
    '"model"',
  ),
  bad(
    'tokenizer.json with a BPE model',
    { 'tokenizer.json': tokenizerJson({}, { type: 'BPE' }) },
    'tokenizer.json',
    'model.type',
  ),
  bad(
    'tokenizer.json with prefix "@@"',
    { 'tokenizer.json': tokenizerJson({}, { continuing_subword_prefix: '@@' }) },
    'tokenizer.json',
    'continuing_subword_prefix',
  ),
  bad(
    'tokenizer.json with model.vocab an array',
    { 'tokenizer.json': tokenizerJson({}, { vocab: VOCAB }) },
    'tokenizer.json',
    'model.vocab',
  ),
  bad(
    'tokenizer.json with id -1',
    {
      'tokenizer.json': tokenizerJson(
        {},
        { vocab: { ...Object.fromEntries(VOCAB.map((t, i) => [t, i])), cat: -1 } },
      ),
    },
    'tokenizer.json',
    'model.vocab["cat"]',
  ),
  bad(
    'tokenizer.json with id 1.5',
    {
      'tokenizer.json': tokenizerJson(
        {},
        { vocab: { ...Object.fromEntries(VOCAB.map((t, i) => [t, i])), cat: 1.5 } },
      ),
    },
    'tokenizer.json',
    'model.vocab["cat"]',
  ),
  bad(
    'tokenizer.json with an id used twice',
    {
      'tokenizer.json': tokenizerJson(
        {},
        { vocab: { ...Object.fromEntries(VOCAB.map((t, i) => [t, i])), cat: 5 } },
      ),
    },
    'tokenizer.json',
    'id 5',
  ),
  bad(
    'tokenizer.json with an id past the end',
    {
      'tokenizer.json': tokenizerJson(
        {},
        { vocab: { ...Object.fromEntries(VOCAB.map((t, i) => [t, i])), cat: 99 } },
      ),
    },
    'tokenizer.json',
    'model.vocab["cat"]',
  ),
  bad(
    'tokenizer.json with max_input_chars_per_word 0',
    { 'tokenizer.json': tokenizerJson({}, { max_input_chars_per_word: 0 }) },
    'tokenizer.json',
    'max_input_chars_per_word',
  ),
  bad(
    'tokenizer.json with a Lowercase normalizer',
    { 'tokenizer.json': tokenizerJson({ normalizer: { type: 'Lowercase' } }) },
    'tokenizer.json',
    'normalizer.type',
  ),
  bad(
    'tokenizer.json with lowercase "yes"',
    {
      'tokenizer.json': tokenizerJson({ normalizer: { type: 'BertNormalizer', lowercase: 'yes' } }),
    },
    'tokenizer.json',
    'normalizer.lowercase',
  ),
  bad(
    'vocab.txt and tokenizer.json that disagree',
    {
      'vocab.txt': vocabTxt([...SPECIALS, 'cat', 'the', ...WORDS.slice(2)]),
      'tokenizer.json': tokenizerJson(),
    },
    'vocab.txt and tokenizer.json disagree at id 5',
  ),
  bad(
    'tokenizer_config.json with do_lower_case "yes"',
    { 'vocab.txt': vocabTxt(), 'tokenizer_config.json': '{"do_lower_case":"yes"}' },
    'tokenizer_config.json',
    'do_lower_case',
  ),
  bad(
    'tokenizer_config.json that is not JSON',
    { 'vocab.txt': vocabTxt(), 'tokenizer_config.json': '{' },
    'tokenizer_config.json',
    'not valid JSON',
  ),
];

const ids = (t: WordPieceTokenizer, text: string) => t.tokenize(text).join(' ');

const goodCases: HostileCase[] = [
  {
    name: 'tokens named like Object.prototype members',
    files: { 'vocab.txt': vocabTxt() },
    run: load,
    expect: {
      accept: (v) => {
        check(tok(v).tokenToId('constructor') === 9, 'constructor is id 9');
        check(tok(v).tokenToId('valueOf') === undefined, 'valueOf is not a token');
        check(
          ids(tok(v), 'Constructor toString hasOwnProperty') === 'constructor tostring [UNK]',
          ids(tok(v), 'Constructor toString hasOwnProperty'),
        );
      },
    },
  },
  {
    name: 'vocab.txt with CRLF line ends and no final newline',
    files: { 'vocab.txt': VOCAB.join('\r\n') },
    run: load,
    expect: {
      accept: (v) =>
        check(
          tok(v).vocab.length === VOCAB.length && ids(tok(v), 'cats') === 'cat ##s',
          ids(tok(v), 'cats'),
        ),
    },
  },
  {
    name: 'only a tokenizer.json',
    files: { 'tokenizer.json': tokenizerJson() },
    run: load,
    expect: { accept: (v) => check(tok(v).vocab.join() === VOCAB.join(), 'same vocabulary') },
  },
  {
    name: 'tokenizer.json and the same vocab.txt, cased',
    files: {
      'vocab.txt': vocabTxt(),
      'tokenizer.json': tokenizerJson({ normalizer: { type: 'BertNormalizer', lowercase: false } }),
    },
    run: load,
    expect: {
      accept: (v) => check(ids(tok(v), 'The cat') === '[UNK] cat', ids(tok(v), 'The cat')),
    },
  },
];

describeCases('vocab', [...badCases, ...goodCases]);
