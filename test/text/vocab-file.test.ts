import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../src/text/index.js';
import { parseVocabText } from '../../src/text/vocab-file.js';
import { useTempDir } from '../temp-dir.js';

// Copies of ../shared/oracle/encoder/{vocab.txt,tokenizer.json,tokenizer_config.json}.
const fixture = (name: string): Promise<string> =>
  readFile(new URL(`../fixtures/text/${name}`, import.meta.url), 'utf8');
const SENTENCE = "The café serves naïve crème brûlée, don't stop-believing 中国 €100.";

const root = useTempDir('text');
let vocabText: string;
let tokenizerJson: {
  normalizer: Record<string, unknown>;
  model: Record<string, unknown> & { vocab: Record<string, number> };
};
let oracle: WordPieceTokenizer;
let n = 0;

/** A fresh checkpoint-like folder holding the given files. */
async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = join(root(), `ckpt${n++}`);
  await mkdir(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

beforeAll(async () => {
  vocabText = await fixture('vocab.txt');
  tokenizerJson = JSON.parse(await fixture('tokenizer.json')) as typeof tokenizerJson;
  oracle = new WordPieceTokenizer(parseVocabText(vocabText));
});

describe('vocabulary files', () => {
  it('saveVocab writes vocab.txt byte for byte, and fromVocabFile reads it back', async () => {
    const path = join(root(), 'saved', 'vocab.txt');
    await oracle.saveVocab(path);
    expect(await readFile(path, 'utf8')).toBe(vocabText);
    const loaded = await WordPieceTokenizer.fromVocabFile(path);
    expect(loaded.vocab).toEqual(oracle.vocab);
    expect(loaded.encode(SENTENCE)).toEqual(oracle.encode(SENTENCE));
  });

  it('round-trips a built vocabulary with non-ASCII tokens and keeps every id', async () => {
    const vocab = [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'ø',
      '##ø',
      '中',
      '😀',
      '',
      'a b',
      '##',
    ];
    const path = join(root(), 'odd', 'vocab.txt');
    await new WordPieceTokenizer(vocab).saveVocab(path);
    expect((await WordPieceTokenizer.fromVocabFile(path)).vocab).toEqual(vocab);
    await expect(new WordPieceTokenizer([...vocab, 'x\ny']).saveVocab(path)).rejects.toThrow(
      /token 12 "x\\ny" contains a line break/,
    );
  });

  it('reads CRLF vocab files', () => {
    expect(parseVocabText('[PAD]\r\n[UNK]\r\nab\r\n')).toEqual(['[PAD]', '[UNK]', 'ab']);
    expect(parseVocabText('a\nb')).toEqual(['a', 'b']);
  });
});

describe('WordPieceTokenizer.fromDir', () => {
  it('loads the oracle checkpoint folder (vocab.txt + tokenizer.json + tokenizer_config.json)', async () => {
    const dir = await dirWith({
      'vocab.txt': vocabText,
      'tokenizer.json': JSON.stringify(tokenizerJson),
      'tokenizer_config.json': await fixture('tokenizer_config.json'),
    });
    const t = await WordPieceTokenizer.fromDir(dir);
    expect(t.vocab).toEqual(oracle.vocab);
    expect(t.settings).toEqual({
      lowercase: true,
      stripAccents: true,
      tokenizeCjk: true,
      maxCharsPerWord: 100,
    });
    expect(t.encode(SENTENCE)).toEqual(oracle.encode(SENTENCE));
  });

  it('takes the vocabulary from tokenizer.json (model.vocab) when there is no vocab.txt', async () => {
    const t = await WordPieceTokenizer.fromDir(
      await dirWith({ 'tokenizer.json': JSON.stringify(tokenizerJson) }),
    );
    expect(t.vocab).toEqual(oracle.vocab);
    expect(t.encode(SENTENCE)).toEqual(oracle.encode(SENTENCE));
  });

  it("takes tokenizer.json's lowercase / strip_accents / max_input_chars_per_word", async () => {
    const cased = structuredClone(tokenizerJson);
    cased.normalizer = { ...cased.normalizer, lowercase: false, strip_accents: null };
    cased.model = { ...cased.model, max_input_chars_per_word: 50 };
    const t = await WordPieceTokenizer.fromDir(
      await dirWith({ 'tokenizer.json': JSON.stringify(cased) }),
    );
    expect(t.settings).toEqual({
      lowercase: false,
      stripAccents: false,
      tokenizeCjk: true,
      maxCharsPerWord: 50,
    });
    expect(t.tokenize('Hello hello')).toEqual(['[UNK]', 'hello']);
    const strip = structuredClone(cased);
    strip.normalizer = { ...strip.normalizer, strip_accents: true };
    const s = await WordPieceTokenizer.fromDir(
      await dirWith({ 'tokenizer.json': JSON.stringify(strip) }),
    );
    expect(s.settings.stripAccents).toBe(true);
    expect(s.tokenize('café Café')).toEqual(['cafe', '[UNK]']);
  });

  it('reads do_lower_case from tokenizer_config.json next to vocab.txt, and writes it with tokenizerConfig()', async () => {
    const cased = new WordPieceTokenizer(oracle.vocab, { lowercase: false });
    const dir = await dirWith({
      'vocab.txt': vocabText,
      'tokenizer_config.json': JSON.stringify(cased.tokenizerConfig()),
    });
    const t = await WordPieceTokenizer.fromDir(dir);
    expect(t.settings).toEqual(cased.settings);
    expect(t.tokenize('The the')).toEqual(['[UNK]', 'the']);
    // Options given to fromDir win over the files.
    expect((await WordPieceTokenizer.fromDir(dir, { lowercase: true })).tokenize('The')).toEqual([
      'the',
    ]);
  });

  it('refuses folders it cannot read as a BERT WordPiece tokenizer, naming the file and field', async () => {
    await expect(WordPieceTokenizer.fromDir(await dirWith({}))).rejects.toThrow(
      /no vocab\.txt or tokenizer\.json/,
    );
    const other = structuredClone(tokenizerJson);
    other.model.vocab['[UNK]'] = 0;
    await expect(
      WordPieceTokenizer.fromDir(
        await dirWith({ 'vocab.txt': vocabText, 'tokenizer.json': JSON.stringify(other) }),
      ),
    ).rejects.toThrow(/tokenizer\.json: model\.vocab id 0 is used by both/);
    const bpe = { ...tokenizerJson, model: { ...tokenizerJson.model, type: 'BPE' } };
    await expect(
      WordPieceTokenizer.fromDir(await dirWith({ 'tokenizer.json': JSON.stringify(bpe) })),
    ).rejects.toThrow(/model\.type is "BPE"; only "WordPiece"/);
    const shifted = vocabText.replace('hello\n', 'hullo\n');
    await expect(
      WordPieceTokenizer.fromDir(
        await dirWith({ 'vocab.txt': shifted, 'tokenizer.json': JSON.stringify(tokenizerJson) }),
      ),
    ).rejects.toThrow(/vocab\.txt and tokenizer\.json disagree at id 206: "hullo" vs "hello"/);
    await expect(
      WordPieceTokenizer.fromDir(await dirWith({ 'tokenizer.json': '{oops' })),
    ).rejects.toThrow(/tokenizer\.json: not valid JSON/);
    await expect(
      WordPieceTokenizer.fromDir(
        await dirWith({
          'vocab.txt': vocabText,
          'tokenizer_config.json': '{"do_lower_case":"yes"}',
        }),
      ),
    ).rejects.toThrow(/tokenizer_config\.json: do_lower_case must be a boolean or null, got "yes"/);
  });
});

describe('vocab.txt that HF would read with lost ids', () => {
  it('refuses a repeated token, naming both lines, with or without tokenizer.json', async () => {
    const repeated = vocabText + 'the\n';
    const line = parseVocabText(repeated).length;
    const first = parseVocabText(vocabText).indexOf('the') + 1;
    const alone = await dirWith({ 'vocab.txt': repeated });
    await expect(WordPieceTokenizer.fromDir(alone)).rejects.toThrow(
      `vocab.txt:${line}: token "the" repeats line ${first}`,
    );
    await expect(WordPieceTokenizer.fromVocabFile(join(alone, 'vocab.txt'))).rejects.toThrow(
      `repeats line ${first}`,
    );
  });

  it('refuses bytes that are not UTF-8, naming the line, and a vocabulary without [CLS]', async () => {
    const dir = join(root(), `ckpt${n++}`);
    await mkdir(dir);
    await writeFile(
      join(dir, 'vocab.txt'),
      Buffer.concat([Buffer.from('[PAD]\n[UNK]\nca'), Buffer.from([0xfe]), Buffer.from('t\n')]),
    );
    await expect(WordPieceTokenizer.fromDir(dir)).rejects.toThrow(/vocab\.txt:3: not valid UTF-8/);
    const noCls = await dirWith({ 'vocab.txt': '[PAD]\n[UNK]\n[SEP]\nthe\n' });
    await expect(WordPieceTokenizer.fromDir(noCls)).rejects.toThrow(
      /vocab\.txt: the vocabulary has no \[CLS\] token/,
    );
  });

  it('fromVocabFile names the file of a vocabulary that lacks a special token', async () => {
    const dir = await dirWith({
      'no-cls.txt': '[PAD]\n[UNK]\n[SEP]\nthe\n',
      'no-sep.txt': '[PAD]\n[UNK]\n[CLS]\nthe\n',
      'ok.txt': '[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n',
    });
    const noCls = join(dir, 'no-cls.txt');
    await expect(WordPieceTokenizer.fromVocabFile(noCls)).rejects.toThrow(
      `${noCls}: the vocabulary has no [CLS] token (BERT needs [CLS])`,
    );
    await expect(WordPieceTokenizer.fromVocabFile(join(dir, 'no-sep.txt'))).rejects.toThrow(
      /no-sep\.txt: the vocabulary has no \[SEP\] token/,
    );
    const ok = await WordPieceTokenizer.fromVocabFile(join(dir, 'ok.txt'));
    expect(ok.encode('the').inputIds).toEqual([2, 4, 3]);
  });
});
