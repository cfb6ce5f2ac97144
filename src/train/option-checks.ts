/**
 * The one way option records are checked (TrainOptions, KaleOptions, GridOptions): every
 * failure reads `Owner.field: rule, got value`, so a user sees which record, which field,
 * what is allowed and what was given. `checkPositive` is the same rule for a single value.
 *
 * Why not zod or valibot: the options are TypeScript interfaces whose doc comments carry
 * each default and its reason (STYLE.md), resolved by one spread over frozen defaults. A
 * schema library would restate every type as a schema (or replace the documented
 * interfaces with inferred ones) to gain what these dozen lines give: one message format.
 */

export interface OptionChecks {
  /** Throws `Owner.field: rule, got value`. */
  fail(field: string, rule: string, value: unknown): never;
  /** An integer ≥ min. */
  int(field: string, value: number, min: number): void;
  /** A finite number ≥ min, or > min when `strict`. */
  num(field: string, value: number, min: number, strict?: boolean): void;
  oneOf<T>(field: string, value: T, allowed: readonly T[]): void;
  bool(field: string, value: unknown): void;
  /** No field outside `known` (a misspelt option would otherwise be ignored). */
  known(options: object, known: ReadonlySet<string>): void;
}

/** The checks of option record `owner` (its type name, e.g. 'TrainOptions'). */
export function optionChecks(owner: string): OptionChecks {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new Error(`${owner}.${field}: ${rule}, got ${JSON.stringify(value)}`);
  };
  return {
    fail,
    int(field, value, min) {
      if (!Number.isInteger(value) || value < min)
        fail(field, `must be an integer ≥ ${min}`, value);
    },
    num(field, value, min, strict = false) {
      if (!Number.isFinite(value) || (strict ? value <= min : value < min)) {
        fail(field, `must be a finite number ${strict ? '>' : '≥'} ${min}`, value);
      }
    },
    oneOf(field, value, allowed) {
      if (!allowed.includes(value)) fail(field, `must be one of ${allowed.join(', ')}`, value);
    },
    bool(field, value) {
      if (typeof value !== 'boolean') fail(field, 'must be true or false', value);
    },
    known(options, known) {
      for (const key of Object.keys(options)) {
        if (!known.has(key))
          fail(key, `unknown option; known: ${[...known].sort().join(', ')}`, key);
      }
    },
  };
}

/** Throws `where: field must be a finite number > 0, got value` unless it is one. */
export function checkPositive(where: string, field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${field} must be a finite number > 0, got ${value}`);
  }
  return value;
}
