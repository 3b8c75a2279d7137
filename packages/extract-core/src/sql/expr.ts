import { formatDate } from '../dates/calendar.js';
import type { CompareOp, Condition, Operand } from '../spec/condition/ast.js';
import type { Params } from './params.js';
import { unsupported } from './unsupported.js';

/** The SQL of a value and its kind: dates are `date`, numbers `float8`, texts `text`. @internal */
export interface SqlValue {
  readonly sql: string;
  readonly t: 'date' | 'num' | 'text' | 'array';
}

/** What names and candidates mean where a condition is compiled. @internal */
export interface SqlScope {
  readonly params: Params;
  /** The SQL of a field's value, by name; undefined for a parameter. */
  field(name: string): { readonly sql: string; readonly type: string } | undefined;
  /** The bound value of a parameter (dates as day numbers) and its declared type. */
  param(name: string): { readonly value: number | string; readonly type: 'date' | 'number' | 'text' };
  /** `@date`, `@value1`, `@value2` of the candidate, when there is one. */
  readonly candidate?: { readonly date: string; readonly value1?: string; readonly value2?: string };
  /** 1-based position of the candidate in its date array (for aligned `[X]` value arrays). */
  readonly position?: string;
  /** `$n::boolean`: true when month arithmetic rolls forward (P7). */
  readonly rollForward: string;
  /** Path of the construct, for errors. */
  readonly path: string;
}

/** `date ± n months` (P7): PostgreSQL clamps to the month's last day; `rollForward` then moves one day on. */
export function addMonthsSql(base: string, months: string, rollForward: string): string {
  return `(SELECT CASE WHEN ${rollForward} AND date_part('day', m.d) < date_part('day', b.d) THEN m.d + 1 ELSE m.d END FROM (SELECT (${base})::date AS d) b, LATERAL (SELECT (b.d + make_interval(months => ${months}))::date AS d) m)`;
}

/** Age in full years (P13): a 29 February birthday is reached on 1 March in non-leap years. */
export function ageSql(dob: string, at: string): string {
  return `(SELECT (date_part('year', a.at) - date_part('year', a.dob) - CASE WHEN date_part('month', a.at) * 100 + date_part('day', a.at) < date_part('month', a.dob) * 100 + date_part('day', a.dob) THEN 1 ELSE 0 END)::int FROM (SELECT (${dob})::date AS dob, (${at})::date AS at) a)`;
}

/** Compiles an operand. */
export function operandSql(o: Operand, s: SqlScope): SqlValue {
  switch (o.kind) {
    case 'group':
      return operandSql(o.inner, s);
    case 'dateLiteral':
      return { sql: s.params.add(formatDate(o.day), 'date'), t: 'date' };
    case 'number':
    case 'years':
      return { sql: s.params.add(o.value, 'float8'), t: 'num' };
    case 'text':
      return { sql: s.params.add(o.value, 'text'), t: 'text' };
    case 'candidate': {
      const c = s.candidate;
      if (!c) throw unsupported(s.path, `@${o.which} has no candidate here`);
      if (o.which === 'date') return { sql: c.date, t: 'date' };
      const v = o.which === 'value1' ? c.value1 : c.value2;
      // A registration boundary has no values: `@value1` is null there, as in the evaluator.
      return { sql: v ?? 'NULL::float8', t: 'num' };
    }
    case 'name': {
      const f = s.field(o.name);
      if (!f) {
        const p = s.param(o.name);
        if (p.type === 'date') return { sql: s.params.add(formatDate(p.value as number), 'date'), t: 'date' };
        if (p.type === 'number') return { sql: s.params.add(p.value, 'float8'), t: 'num' };
        return { sql: s.params.add(p.value, 'text'), t: 'text' };
      }
      if (f.type === 'valueArray') {
        if (!s.position)
          throw unsupported(s.path, `the aligned value array ${o.name} outside a date-array scan`);
        return { sql: `(${f.sql})[${s.position}]`, t: 'num' };
      }
      if (f.type === 'dateArray') return { sql: f.sql, t: 'array' };
      if (f.type === 'text') return { sql: f.sql, t: 'text' };
      if (f.type === 'date') return { sql: f.sql, t: 'date' };
      return { sql: `(${f.sql})::float8`, t: 'num' };
    }
    case 'offset': {
      const base = operandSql(o.base, s);
      const n = o.sign * o.amount;
      if (o.unit === 'day') return { sql: `((${base.sql}) + ${s.params.add(n, 'int')})`, t: 'date' };
      const months = s.params.add(o.unit === 'month' ? n : 12 * n, 'int');
      return { sql: addMonthsSql(base.sql, months, s.rollForward), t: 'date' };
    }
    case 'call': {
      const args = o.args.map((a) => {
        const f = s.field(a.name);
        if (!f) throw unsupported(s.path, `${o.fn}(${a.name}) of a parameter`);
        return f.sql;
      });
      if (o.fn === 'latestOf') return { sql: `GREATEST(${args.join(', ')})`, t: 'date' };
      if (o.fn === 'earliestOf') return { sql: `LEAST(${args.join(', ')})`, t: 'date' };
      const arr = args[0] as string;
      if (o.fn === 'count') return { sql: `(SELECT count(x)::float8 FROM unnest(${arr}) x)`, t: 'num' };
      return { sql: `(SELECT ${o.fn}(x) FROM unnest(${arr}) x)`, t: 'num' };
    }
  }
}

const OPS: Readonly<Record<CompareOp, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/**
 * Compiles a condition to a two-valued SQL boolean (P4): a comparison with a null operand is false, never
 * unknown, so NOT, AND and OR behave as in the evaluator.
 */
export function conditionSql(c: Condition, s: SqlScope): string {
  switch (c.kind) {
    case 'paren':
      return conditionSql(c.item, s);
    case 'not':
      return `NOT ${conditionSql(c.item, s)}`;
    case 'and':
      return `(${c.items.map((i) => conditionSql(i, s)).join(' AND ')})`;
    case 'or':
      return `(${c.items.map((i) => conditionSql(i, s)).join(' OR ')})`;
    case 'isNull': {
      const o = operandSql(c.operand, s);
      return `(${o.sql} IS ${c.negated ? 'NOT ' : ''}NULL)`;
    }
    case 'compare': {
      const l = operandSql(c.left, s);
      const r = operandSql(c.right, s);
      // Texts compare by code point, as the evaluator compares strings.
      const collate = l.t === 'text' || r.t === 'text' ? ' COLLATE "C"' : '';
      return `coalesce(${l.sql}${collate} ${OPS[c.op]} ${r.sql}${collate}, false)`;
    }
  }
}
