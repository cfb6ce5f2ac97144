/**
 * Streams a text file as batches of lines, without ever holding the whole file in one
 * string: bytes are read in 1 MiB chunks and split on '\n' (safe in UTF-8, where byte 0x0A
 * never occurs inside a multi-byte character). A trailing '\r' is dropped (CRLF files) and
 * a leading UTF-8 BOM is removed. Lines come in batches, one per chunk, because one async
 * step per line costs more than parsing the line.
 *
 * Does not parse anything; the loaders do.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ProgressSink } from '../util/index.js';

export interface LineBatch {
  /** 1-based number of `lines[0]` in the file. */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

export interface ReadLinesOptions {
  /** Reports bytes read under the label "read <file name>". */
  readonly progress?: ProgressSink;
  /** Files smaller than this report no progress (they load in well under a second). Default 64 MiB. */
  readonly progressMinBytes?: number;
  /** Read size in bytes; default 1 MiB (larger does not read faster, smaller costs more steps). */
  readonly chunkBytes?: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

export async function* readLineBatches(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<LineBatch> {
  const { chunkBytes = 1 << 20, progressMinBytes = 64 << 20 } = options;
  const total = options.progress ? (await stat(path)).size : 0;
  const progress = total >= progressMinBytes ? options.progress : undefined;
  const label = `read ${basename(path)}`;
  let bytesRead = 0;
  let lineNo = 1;
  let pending: Buffer[] = []; // bytes of an unfinished line spread over earlier chunks
  let first = true;

  const decode = (buf: Buffer, start: number, end: number): string => {
    if (end > start && buf[end - 1] === CR) end--;
    let text = buf.toString('utf8', start, end);
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes })) {
    const buf = chunk as Buffer; // no encoding given, so the stream yields Buffers
    bytesRead += buf.length;
    const lines: string[] = [];
    const batchStart = lineNo;
    let start = 0;
    let nl = buf.indexOf(NEWLINE, start);
    if (nl >= 0 && pending.length > 0) {
      pending.push(buf.subarray(0, nl));
      const joined = Buffer.concat(pending);
      pending = [];
      lines.push(decode(joined, 0, joined.length));
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    while (nl >= 0) {
      lines.push(decode(buf, start, nl));
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    if (start < buf.length) pending.push(buf.subarray(start));
    lineNo += lines.length;
    if (progress) progress({ label, done: bytesRead, total });
    if (lines.length > 0) yield { firstLine: batchStart, lines };
  }
  if (pending.length > 0) {
    const joined = Buffer.concat(pending);
    yield { firstLine: lineNo, lines: [decode(joined, 0, joined.length)] };
  }
  if (progress && bytesRead < total) progress({ label, done: total, total });
}
