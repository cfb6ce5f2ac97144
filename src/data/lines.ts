/**
 * Streams a text file as batches of lines, without ever holding the whole file in one
 * string: bytes are read in 1 MiB chunks and split on '\n' (safe in UTF-8, where byte 0x0A
 * never occurs inside a multi-byte character). A trailing '\r' is dropped (CRLF files) and
 * a leading UTF-8 BOM is removed. Lines come in batches, one per chunk, because one async
 * step per line costs more than parsing the line.
 *
 * Two kinds of line are not decoded but marked bad in their batch, so that a loader can
 * fail on them or count them like any malformed line (read lines through `lineText`):
 * a line that is not valid UTF-8 (decoding would replace bytes silently, making distinct
 * ids equal) and a line longer than `maxLineBytes` (its bytes are skipped, not kept: V8
 * strings end at 512 MiB). A file that cannot be read (missing, a folder) gets an error
 * naming it.
 *
 * Does not parse anything; the loaders do.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ProgressSink } from '../util/index.js';
import { DatasetFormatError } from './errors.js';

export interface LineBatch {
  /** 1-based number of `lines[0]` in the file. */
  readonly firstLine: number;
  /** The decoded lines; a bad line is '' here and has its problem in `bad`. */
  readonly lines: readonly string[];
  /** Index in `lines` → why that line could not be decoded. Absent when none. */
  readonly bad?: ReadonlyMap<number, string>;
}

export interface ReadLinesOptions {
  /** Reports bytes read under the label "read <file name>". */
  readonly progress?: ProgressSink;
  /** Files smaller than this report no progress (they load in well under a second). Default 64 MiB. */
  readonly progressMinBytes?: number;
  /** Read size in bytes; default 1 MiB (larger does not read faster, smaller costs more steps). */
  readonly chunkBytes?: number;
  /** Longer lines are marked bad, not decoded. Default 256 MiB (half of V8's string limit). */
  readonly maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 256 << 20;

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Line `i` of `batch`, or a DatasetFormatError (field "(line)") when it is marked bad. */
export function lineText(path: string, batch: LineBatch, i: number): string {
  const problem = batch.bad?.get(i);
  if (problem !== undefined)
    throw new DatasetFormatError(path, batch.firstLine + i, '(line)', problem);
  return batch.lines[i]!;
}

/** An error naming `path` for a file that cannot be read (ENOENT, EISDIR, EACCES…). */
export function unreadableFile(path: string, error: unknown): DatasetFormatError {
  const e = error as NodeJS.ErrnoException;
  const why = e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(error);
  return new DatasetFormatError(path, 0, '(file)', `cannot read the file (${why})`);
}

/** Decodes lines, checking UTF-8 and dropping a leading BOM and trailing CRs. */
class LineDecoder {
  private first = true;
  lines: string[] = [];
  bad: Map<number, string> | undefined;

  private strip(buf: Buffer, start: number, end: number): number {
    return end > start && buf[end - 1] === CR ? end - 1 : end;
  }

  /** Adds the line `buf[start, end)`; `valid` when the caller already checked its UTF-8. */
  add(buf: Buffer, start: number, end: number, valid: boolean): void {
    end = this.strip(buf, start, end);
    if (!valid && !isUtf8(buf.subarray(start, end))) {
      this.markBad(invalidUtf8(buf.subarray(start, end)));
      return;
    }
    let text = buf.toString('utf8', start, end);
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.lines.push(text);
  }

  markBad(problem: string): void {
    this.first = false;
    (this.bad ??= new Map()).set(this.lines.length, problem);
    this.lines.push('');
  }

  take(firstLine: number): LineBatch {
    const batch: LineBatch = this.bad
      ? { firstLine, lines: this.lines, bad: this.bad }
      : { firstLine, lines: this.lines };
    this.lines = [];
    this.bad = undefined;
    return batch;
  }
}

/** Where in `bytes` UTF-8 decoding first fails (for the error message). */
function invalidUtf8(bytes: Buffer): string {
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection on isUtf8 (at most 3 bytes of a split character).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    let ok = false;
    for (let back = 0; back < 4 && !ok && mid - back > lo; back++)
      ok = isUtf8(bytes.subarray(0, mid - back));
    if (ok) lo = mid;
    else hi = mid;
  }
  return `not valid UTF-8 (bad byte near offset ${lo} of the line); save the file as UTF-8`;
}

export async function* readLineBatches(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<LineBatch> {
  const {
    chunkBytes = 1 << 20,
    progressMinBytes = 64 << 20,
    maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  } = options;
  let total = 0;
  if (options.progress) {
    try {
      total = (await stat(path)).size;
    } catch (error) {
      throw unreadableFile(path, error);
    }
  }
  const progress = total >= progressMinBytes ? options.progress : undefined;
  const label = `read ${basename(path)}`;
  const decoder = new LineDecoder();
  let bytesRead = 0;
  let lineNo = 1;
  let pending: Buffer[] = []; // bytes of an unfinished line spread over earlier chunks
  let pendingBytes = 0;
  let tooLong = false; // the unfinished line passed maxLineBytes: its bytes are dropped

  const addPending = (buf: Buffer): void => {
    if (tooLong) return;
    pendingBytes += buf.length;
    if (pendingBytes > maxLineBytes) {
      tooLong = true;
      pending = [];
    } else pending.push(buf);
  };
  const finishPending = (): void => {
    if (tooLong) decoder.markBad(`line longer than ${maxLineBytes} bytes; not read`);
    else {
      const joined = Buffer.concat(pending);
      decoder.add(joined, 0, joined.length, false);
    }
    pending = [];
    pendingBytes = 0;
    tooLong = false;
  };

  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer; // no encoding given, so the stream yields Buffers
      bytesRead += buf.length;
      const batchStart = lineNo;
      let start = 0;
      let nl = buf.indexOf(NEWLINE, start);
      if (nl >= 0 && (pending.length > 0 || tooLong)) {
        addPending(buf.subarray(0, nl));
        finishPending();
        start = nl + 1;
        nl = buf.indexOf(NEWLINE, start);
      }
      // One native UTF-8 check for all whole lines of the chunk; per line only if it fails.
      const last = buf.lastIndexOf(NEWLINE);
      const valid = last < start || isUtf8(buf.subarray(start, last));
      while (nl >= 0) {
        if (nl - start > maxLineBytes)
          decoder.markBad(`line longer than ${maxLineBytes} bytes; not read`);
        else decoder.add(buf, start, nl, valid);
        start = nl + 1;
        nl = buf.indexOf(NEWLINE, start);
      }
      if (start < buf.length) addPending(buf.subarray(start));
      const batch = decoder.take(batchStart);
      lineNo += batch.lines.length;
      if (progress) progress({ label, done: bytesRead, total });
      if (batch.lines.length > 0) yield batch;
    }
  } catch (error) {
    if (error instanceof DatasetFormatError) throw error;
    // Errors of the stream itself (EISDIR, EACCES, ENOENT) name no file: add it.
    if ((error as NodeJS.ErrnoException).syscall !== undefined) throw unreadableFile(path, error);
    throw error;
  } finally {
    stream.destroy();
  }
  if (pending.length > 0 || tooLong) {
    finishPending();
    yield decoder.take(lineNo);
  }
  if (progress && bytesRead < total) progress({ label, done: total, total });
}
