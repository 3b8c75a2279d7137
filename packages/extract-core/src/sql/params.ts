/** Bind parameters of a generated statement: every value from a spec or a run travels as `$n`, never as SQL text. */

/** PostgreSQL types a parameter is cast to. */
export type ParamType = 'text' | 'date' | 'float8' | 'int' | 'boolean' | 'text[]' | 'int[]' | 'boolean[]';

/** Collects bind values and hands out `$n::type` placeholders; equal values of one type share a placeholder. */
export class Params {
  readonly values: unknown[] = [];
  /** What each placeholder holds, for `toSql` (index 0 is `$1`). */
  readonly labels: string[] = ['practice id (per run)'];
  private readonly seen = new Map<string, number>();

  /** `$1` is reserved for the practice id, supplied per run. */
  constructor() {
    this.values.push(null);
  }

  /** A placeholder for `value`, cast to `type`. */
  add(value: unknown, type: ParamType, label?: string): string {
    const key = `${type}\u0000${JSON.stringify(value)}`;
    let n = this.seen.get(key);
    if (n === undefined) {
      this.values.push(value);
      this.labels.push(label ?? type);
      n = this.values.length;
      this.seen.set(key, n);
    }
    return `$${n}::${type}`;
  }
}

/** Text safe to put in an SQL `--` comment: names from a spec, reduced to a harmless character set. */
export function commentText(s: string): string {
  return s.replace(/[^A-Za-z0-9_{}[\] .:-]/g, '?').slice(0, 80);
}
