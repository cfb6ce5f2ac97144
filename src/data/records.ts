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

/** True when `record` has no keys; stops at the first (a corpus may have millions). */
export function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  for (const _ in record) return false;
  return true;
}
