/** The benchmarks' command-line values, written `--name value`. */

/** The value after `--name`; undefined when the flag is absent. Throws when it has none. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
}

/** `--name` as a number; `fallback` when the flag is absent. Throws when it is not one. */
export function numberArg(name: string, fallback: number): number {
  const value = argValue(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (Number.isNaN(n)) throw new Error(`--${name}: "${value}" is not a number`);
  return n;
}
