/**
 * Progress for long loops: a redrawn bar on a terminal, a line every few seconds
 * elsewhere (notebooks, CI logs, files), nothing when silenced. Library code takes a
 * `ProgressSink` so callers decide; `defaultProgress()` picks by where stderr goes.
 */
export interface ProgressEvent {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** Short extra text, e.g. "loss 0.412". */
  readonly detail?: string;
}

export type ProgressSink = (event: ProgressEvent) => void;

export const silentProgress: ProgressSink = () => {};

/** Writes to stderr: a bar when it is a TTY, else a line at most every `everyMs`. */
export function defaultProgress(everyMs = 5000): ProgressSink {
  if (process.env['KALELAB_QUIET'] === '1') return silentProgress;
  return process.stderr.isTTY ? terminalProgress() : lineProgress(everyMs);
}

export function terminalProgress(width = 30): ProgressSink {
  const started = new Map<string, number>();
  return (e) => {
    const t0 = started.get(e.label) ?? Date.now();
    started.set(e.label, t0);
    const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
    const filled = Math.round(frac * width);
    const secs = (Date.now() - t0) / 1000;
    const eta = frac > 0 ? (secs / frac - secs).toFixed(0) : '?';
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    process.stderr.write(
      `\r${e.label} ${bar} ${e.done}/${e.total} ${secs.toFixed(0)}s eta ${eta}s${e.detail ? ' ' + e.detail : ''}\x1b[K`,
    );
    if (e.done >= e.total) process.stderr.write('\n');
  };
}

export function lineProgress(
  everyMs = 5000,
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): ProgressSink {
  const last = new Map<string, number>();
  const started = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    if (!started.has(e.label)) started.set(e.label, now);
    const prev = last.get(e.label);
    const finished = e.done >= e.total;
    if (prev !== undefined && now - prev < everyMs && !finished) return;
    last.set(e.label, now);
    const secs = ((now - started.get(e.label)!) / 1000).toFixed(1);
    write(`${e.label}: ${e.done}/${e.total} (${secs}s)${e.detail ? ' ' + e.detail : ''}`);
  };
}
