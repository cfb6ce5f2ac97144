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

/**
 * Seconds since the current run of each label began. A run ends when done reaches total,
 * so a label used again (a second corpus, a second model) counts from zero, not from the
 * first run's start.
 */
function runClock(): (e: ProgressEvent) => number {
  const started = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    const t0 = started.get(e.label) ?? now;
    if (e.done >= e.total) started.delete(e.label);
    else started.set(e.label, t0);
    return (now - t0) / 1000;
  };
}

export function terminalProgress(width = 30): ProgressSink {
  const elapsed = runClock();
  return (e) => {
    const secs = elapsed(e);
    const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
    const filled = Math.round(frac * width);
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
  const elapsed = runClock();
  return (e) => {
    const now = Date.now();
    const secs = elapsed(e);
    const prev = last.get(e.label);
    const finished = e.done >= e.total;
    if (finished) last.delete(e.label);
    else if (prev !== undefined && now - prev < everyMs) return;
    else last.set(e.label, now);
    write(
      `${e.label}: ${e.done}/${e.total} (${secs.toFixed(1)}s)${e.detail ? ' ' + e.detail : ''}`,
    );
  };
}
