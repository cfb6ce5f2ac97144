/**
 * Collects what a loader read and what it skipped, and freezes it into a LoadReport.
 * Every skipped item is counted by kind; the first `maxIssues` are also kept with their
 * file, line and field (a bad 3 GB file must not fill memory with issues).
 */
import type { LoadIssue, LoadReport } from './types.js';

export class LoadReportBuilder {
  private readonly files: string[] = [];
  private readonly issues: LoadIssue[] = [];
  private readonly skipped: Record<string, number> = {};
  private linesRead = 0;

  constructor(private readonly maxIssues = 100) {}

  addFile(file: string): void {
    if (!this.files.includes(file)) this.files.push(file);
  }

  addLines(count: number): void {
    this.linesRead += count;
  }

  /** Counts one skipped item of `kind` without an issue (e.g. a blank line). */
  count(kind: string, by = 1): void {
    if (by === 0) return;
    this.skipped[kind] = (this.skipped[kind] ?? 0) + by;
  }

  /** Counts one skipped item of `kind` and keeps its issue (up to maxIssues). */
  issue(kind: string, issue: LoadIssue): void {
    this.count(kind);
    if (this.issues.length < this.maxIssues) this.issues.push(Object.freeze({ ...issue }));
  }

  build(): LoadReport {
    return Object.freeze({
      files: Object.freeze([...this.files]),
      linesRead: this.linesRead,
      issues: Object.freeze([...this.issues]),
      skipped: Object.freeze({ ...this.skipped }),
    });
  }
}
