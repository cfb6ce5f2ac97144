/**
 * Id-keyed records without a prototype, so that an id such as "constructor" or
 * "__proto__" is an ordinary key. They serialise with JSON.stringify like any object.
 */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Number of keys; for summaries. */
export function size(record: Readonly<Record<string, unknown>>): number {
  return Object.keys(record).length;
}
