/**
 * Streams the elements of a top-level JSON array of objects (the DPR layout:
 * `[{...}, {...}, ...]`) one by one, so a multi-gigabyte file is never one string. A small
 * scanner finds where each element ends (tracking strings, escapes and bracket depth); each
 * element is then handed to JSON.parse. Yields the 1-based line where the element starts.
 *
 * Bytes that are not UTF-8 are an error (a replaced byte would make distinct ids equal), and
 * so is an element longer than `maxElementChars` (V8 strings end at 512 MiB).
 *
 * Does not validate element fields; the DPR loader does.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ProgressSink } from '../util/index.js';
import { DatasetFormatError } from './errors.js';
import { unreadableFile } from './lines.js';

export interface JsonArrayElement {
  readonly value: unknown;
  /** 0-based index in the array. */
  readonly index: number;
  /** 1-based line where the element's '{' is. */
  readonly line: number;
}

/** Where the scanner is: before '[', between elements, inside one, after ']'. */
const Phase = { Start: 0, Between: 1, Element: 2, End: 3 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/** Inside an element, outside strings: what changes depth, opens a string or ends a line. */
const ELEMENT_STOP = /["{}[\]\n]/g;
/** Inside a string: its end, an escape, or a (raw, invalid but counted) newline. */
const STRING_STOP = /["\\\n]/g;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NL = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NL || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/** The chunks of `stream`; its own errors (EISDIR, EIO) name no file, so they get `path`. */
async function* readable(stream: AsyncIterable<unknown>, path: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall !== undefined) throw unreadableFile(path, error);
    throw error;
  }
}

export async function* streamJsonArray(
  path: string,
  options: {
    readonly progress?: ProgressSink;
    /** Read size in bytes; default 1 MiB (tests use tiny ones to cross chunk boundaries). */
    readonly chunkBytes?: number;
    /** Longest element accepted, in characters; default 256 Mi (half of V8's string limit). */
    readonly maxElementChars?: number;
  } = {},
): AsyncGenerator<JsonArrayElement> {
  const total = options.progress ? (await stat(path)).size : 0;
  // Small files load in well under a second: no progress for them (as lines.ts).
  const progress = total >= 64 << 20 ? options.progress : undefined;
  const label = `read ${basename(path)}`;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const maxElementChars = options.maxElementChars ?? 256 << 20;
  let phase = Phase.Start as Phase; // widened: the loop below changes it
  let line = 1;
  let index = 0;
  let needComma = false;
  // State of the element being scanned.
  let parts: string[] = [];
  let partsLength = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let elementLine = 0;
  let bytesRead = 0;

  const fail = (at: number, problem: string, value?: string): never => {
    throw value === undefined
      ? new DatasetFormatError(path, at, '(json)', problem)
      : new DatasetFormatError(path, at, '(json)', problem, value);
  };

  const parseElement = (): JsonArrayElement => {
    const text = parts.join('');
    parts = [];
    partsLength = 0;
    try {
      return { value: JSON.parse(text) as unknown, index: index++, line: elementLine };
    } catch (error) {
      return fail(
        elementLine,
        `malformed JSON in array element ${index}: ${(error as Error).message}`,
      );
    }
  };

  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  for await (const chunk of readable(stream, path)) {
    bytesRead += (chunk as Buffer).length;
    let text: string;
    try {
      text = decoder.decode(chunk as Buffer, { stream: true });
    } catch {
      // The line is where the chunk starts: close enough to find the bad bytes.
      text = fail(line, 'not valid UTF-8 (in or after this line); save the file as UTF-8');
    }
    const done: JsonArrayElement[] = [];
    let elementStart = phase === Phase.Element ? 0 : -1;
    let i = 0;
    while (i < text.length) {
      if (phase === Phase.Element) {
        // Jump between the characters that matter with native regex scans.
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        const re = inString ? STRING_STOP : ELEMENT_STOP;
        re.lastIndex = i;
        const m = re.exec(text);
        if (m === null) break; // the element goes on in the next chunk
        const c = text.charCodeAt(m.index);
        i = m.index + 1;
        if (c === NL) line++;
        else if (inString) {
          if (c === BACKSLASH) escaped = true;
          else inString = false; // the closing quote
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (--depth === 0) {
          parts.push(text.slice(elementStart, i));
          done.push(parseElement());
          phase = Phase.Between;
          needComma = true;
          elementStart = -1;
        }
        continue;
      }
      const c = text.charCodeAt(i++);
      if (isSpace(c)) {
        if (c === NL) line++;
        continue;
      }
      if (phase === Phase.Start) {
        if (c !== OPEN_BRACKET) fail(line, 'expected a JSON array "[" at the start', text[i - 1]);
        phase = Phase.Between;
      } else if (phase === Phase.Between) {
        if (c === CLOSE_BRACKET) phase = Phase.End;
        else if (c === COMMA && needComma) needComma = false;
        else if (c === OPEN_BRACE && !needComma) {
          phase = Phase.Element;
          depth = 1;
          inString = false;
          escaped = false;
          elementLine = line;
          elementStart = i - 1;
        } else
          fail(
            line,
            needComma ? 'expected "," or "]" after an array element' : 'expected an object "{"',
            text[i - 1],
          );
      } else {
        fail(line, 'unexpected text after the closing "]"', text.slice(i - 1, i + 19));
      }
    }
    if (phase === Phase.Element && elementStart >= 0) {
      parts.push(text.slice(elementStart));
      partsLength += text.length - elementStart;
      if (partsLength > maxElementChars)
        fail(elementLine, `array element ${index} is longer than ${maxElementChars} characters`);
    }
    if (progress) progress({ label, done: bytesRead, total });
    yield* done;
  }
  try {
    decoder.decode(); // a multi-byte character cut by the end of the file
  } catch {
    fail(line, 'not valid UTF-8 at the end of the file (truncated?)');
  }
  if (phase === Phase.Element)
    fail(elementLine, `array element ${index} is not closed (file truncated?)`);
  if (phase !== Phase.End)
    fail(line, 'the JSON array is not closed with "]" (file truncated or empty?)');
}
