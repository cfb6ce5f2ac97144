/**
 * Name registries: the fixed lists of names an option may take (backends, losses,
 * corrections, …), checked one way and rejected with one message shape, "unknown <what>
 * "<given>"; allowed: a, b, c". Callers that normalise the input (trim, lowercase) check
 * the normalised name and show the given one.
 */

/** A frozen list of names; declare the option's type from it: `(typeof LIST)[number]`. */
export function nameList<const T extends string>(...names: T[]): readonly T[] {
  return Object.freeze(names);
}

/** True when `name` is one of `allowed` (case-sensitive). */
export function isOneOf<T extends string>(allowed: readonly T[], name: string): name is T {
  return (allowed as readonly string[]).includes(name);
}

/**
 * The error for a name not in `allowed`: `unknown <what> "<given>"; allowed: …`, with
 * `where` (an option, a function) put first when given.
 */
export function unknownName(
  what: string,
  given: string,
  allowed: readonly string[],
  where?: string,
): Error {
  const head = where === undefined ? '' : `${where}: `;
  return new Error(`${head}unknown ${what} "${given}"; allowed: ${allowed.join(', ')}`);
}

/** `given` as one of `allowed`, or the unknownName error (for options read as strings). */
export function checkName<T extends string>(
  what: string,
  given: string,
  allowed: readonly T[],
  where?: string,
): T {
  if (!isOneOf(allowed, given)) throw unknownName(what, given, allowed, where);
  return given;
}
