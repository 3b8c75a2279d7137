import { addDays, addMonths } from '../dates/calendar.js';
import type { Condition, Operand } from '../spec/condition/ast.js';
import type { MonthArithmetic } from '../spec/model.js';
import { type CondFn, type Ctx, type NumFn, numOrNull, type StrFn } from './context.js';

/** How names resolve when conditions are turned into closures at bind time. @internal */
export interface Resolver {
  /** Program field index of a field, or undefined for a parameter. */
  field(name: string): number | undefined;
  /** True when the field holds text (so its closure returns strings). */
  isTextField(index: number): boolean;
  /** Whether a field is a value array (`[X]`) or a date array (`{X}`). */
  arrayKind(index: number): 'dateArray' | 'valueArray' | undefined;
  /** Bound value of a parameter: dates as day numbers. */
  param(name: string): number | string;
  readonly monthArithmetic: MonthArithmetic;
}

type Compiled =
  | { readonly k: 'num'; readonly fn: NumFn; readonly konst?: number | null }
  | { readonly k: 'str'; readonly fn: StrFn; readonly konst?: string | null };

const numConst = (x: number | null): Compiled => ({ k: 'num', fn: () => x, konst: x });

/** Turns an operand into a closure, folding constants (parameters are bound, so most bounds are constants). */
export function compileOperand(o: Operand, r: Resolver): Compiled {
  switch (o.kind) {
    case 'group':
      return compileOperand(o.inner, r);
    case 'dateLiteral':
      return numConst(o.day);
    case 'number':
    case 'years':
      return numConst(o.value);
    case 'text':
      return { k: 'str', fn: () => o.value, konst: o.value };
    case 'candidate':
      if (o.which === 'date') return { k: 'num', fn: (c) => c.cd };
      if (o.which === 'value1') return { k: 'num', fn: (c) => numOrNull(c.ce?.value1) };
      return { k: 'num', fn: (c) => numOrNull(c.ce?.value2) };
    case 'name': {
      const i = r.field(o.name);
      if (i === undefined) {
        const p = r.param(o.name);
        return typeof p === 'string' ? { k: 'str', fn: () => p, konst: p } : numConst(p);
      }
      if (r.isTextField(i)) return { k: 'str', fn: (c) => c.v[i] as string | null };
      if (r.arrayKind(i) === 'valueArray') {
        // Only reachable as an aligned value (the checker rejects arrays elsewhere).
        return { k: 'num', fn: (c) => (c.v[i] as readonly (number | null)[])[c.ci] ?? null };
      }
      return { k: 'num', fn: (c) => c.v[i] as number | null };
    }
    case 'offset': {
      const base = compileOperand(o.base, r) as Extract<Compiled, { k: 'num' }>;
      const n = o.sign * o.amount;
      const policy = r.monthArithmetic;
      const step =
        o.unit === 'day'
          ? (d: number) => addDays(d, n)
          : o.unit === 'month'
            ? (d: number) => addMonths(d, n, policy)
            : (d: number) => addMonths(d, 12 * n, policy);
      if (base.konst !== undefined) return numConst(base.konst === null ? null : step(base.konst));
      const f = base.fn;
      return {
        k: 'num',
        fn: (c) => {
          const d = f(c);
          return d === null ? null : step(d);
        },
      };
    }
    case 'call': {
      const idx = o.args.map((a) => r.field(a.name) as number);
      if (o.fn === 'latestOf' || o.fn === 'earliestOf') {
        const latest = o.fn === 'latestOf';
        return {
          k: 'num',
          fn: (c) => {
            let best: number | null = null;
            for (const i of idx) {
              const d = c.v[i] as number | null;
              if (d !== null && (best === null || (latest ? d > best : d < best))) best = d;
            }
            return best;
          },
        };
      }
      const i = idx[0] as number;
      if (o.fn === 'count') {
        return {
          k: 'num',
          fn: (c) => {
            let n = 0;
            for (const x of c.v[i] as readonly (number | null)[]) if (x !== null) n++;
            return n;
          },
        };
      }
      const max = o.fn === 'max';
      return {
        k: 'num',
        fn: (c) => {
          let best: number | null = null;
          for (const x of c.v[i] as readonly (number | null)[]) {
            if (x !== null && (best === null || (max ? x > best : x < best))) best = x;
          }
          return best;
        },
      };
    }
  }
}

/** Turns a condition into a closure. Null operands make every comparison false (P4); logic is two-valued. */
export function compileCondition(cond: Condition, r: Resolver): CondFn {
  switch (cond.kind) {
    case 'paren':
      return compileCondition(cond.item, r);
    case 'not': {
      const f = compileCondition(cond.item, r);
      return (c) => !f(c);
    }
    case 'and': {
      const fs = cond.items.map((i) => compileCondition(i, r));
      if (fs.length === 2) {
        const [a, b] = fs as [CondFn, CondFn];
        return (c) => a(c) && b(c);
      }
      return (c) => {
        for (const f of fs) if (!f(c)) return false;
        return true;
      };
    }
    case 'or': {
      const fs = cond.items.map((i) => compileCondition(i, r));
      if (fs.length === 2) {
        const [a, b] = fs as [CondFn, CondFn];
        return (c) => a(c) || b(c);
      }
      return (c) => {
        for (const f of fs) if (f(c)) return true;
        return false;
      };
    }
    case 'isNull': {
      const o = compileOperand(cond.operand, r);
      const f = o.fn as (c: Ctx) => unknown;
      return cond.negated ? (c) => f(c) !== null : (c) => f(c) === null;
    }
    case 'compare':
      return compileCompare(cond.op, compileOperand(cond.left, r), compileOperand(cond.right, r));
  }
}

type Cmp = (a: number | string, b: number | string) => boolean;
const OPS: Readonly<Record<string, Cmp>> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compileCompare(op: string, l: Compiled, r: Compiled): CondFn {
  const lf = l.fn as (c: Ctx) => number | string | null;
  const rf = r.fn as (c: Ctx) => number | string | null;
  // The common shape `X op constant` gets a dedicated closure per operator: this is the evaluator's hot path.
  if (r.konst !== undefined && l.konst === undefined) {
    const k = r.konst;
    if (k === null) return () => false;
    switch (op) {
      case '<=':
        return (c) => {
          const a = lf(c);
          return a !== null && a <= k;
        };
      case '<':
        return (c) => {
          const a = lf(c);
          return a !== null && a < k;
        };
      case '>=':
        return (c) => {
          const a = lf(c);
          return a !== null && a >= k;
        };
      case '>':
        return (c) => {
          const a = lf(c);
          return a !== null && a > k;
        };
      case '=':
        return (c) => {
          const a = lf(c);
          return a !== null && a === k;
        };
      default:
        return (c) => {
          const a = lf(c);
          return a !== null && a !== k;
        };
    }
  }
  const cmp = OPS[op] as Cmp;
  return (c) => {
    const a = lf(c);
    if (a === null) return false;
    const b = rf(c);
    return b !== null && cmp(a, b);
  };
}
