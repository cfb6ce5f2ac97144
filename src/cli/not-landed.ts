/** Thrown by a command whose implementation has not landed yet: never fake output. */
export class NotLandedError extends Error {
  constructor(command: string, issue: string) {
    super(`\`kalelab ${command}\` is not implemented yet (${issue}); nothing was run.`);
    this.name = 'NotLandedError';
  }
}
