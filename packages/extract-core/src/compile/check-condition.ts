import type { SpecIssue, SpecIssueCode } from '../errors.js';
import type { Condition, Operand } from '../spec/condition/ast.js';
import type { CandidateScope, SymbolTable, ValueType } from './symbols.js';

/** Collects issues for one condition. */
export interface IssueSink {
  add(code: SpecIssueCode, path: string, message: string, severity?: 'error' | 'warning'): void;
}

/** An operand's static type, and whether it can be null at run time (for NOT_OVER_NULLABLE). */
interface Typed {
  readonly type: ValueType | null; // null: already reported
  readonly nullable: boolean;
}

const BAD: Typed = { type: null, nullable: true };

/** Type-checks a condition; returns the field and parameter names it depends on. */
export function checkCondition(
  cond: Condition,
  scope: CandidateScope,
  symbols: SymbolTable,
  path: string,
  sink: IssueSink,
): Set<string> {
  const deps = new Set<string>();

  const operand = (o: Operand): Typed => {
    switch (o.kind) {
      case 'name': {
        const sym = symbols.get(o.name);
        if (!sym) {
          sink.add('UNKNOWN_NAME', path, `'${o.name}' is not a declared field or parameter`);
          return BAD;
        }
        deps.add(o.name);
        if (sym.kind === 'param') return { type: sym.type, nullable: false };
        if (sym.type === 'valueArray' && scope.kind === 'arrayDate') {
          const d = sym.decl;
          if (d.kind === 'valueArray' && d.recordedOnEach === scope.array)
            return { type: 'number', nullable: true };
        }
        return {
          type: sym.type,
          nullable: sym.decl.kind !== 'patientAttribute' || sym.decl.attribute !== 'patientId',
        };
      }
      case 'candidate': {
        const ok =
          scope.kind === 'entry' ||
          ((scope.kind === 'registration' || scope.kind === 'arrayDate') && o.which === 'date');
        if (!ok) {
          sink.add('CANDIDATE_OUT_OF_SCOPE', path, `@${o.which} is not available here`);
          return BAD;
        }
        return { type: o.which === 'date' ? 'date' : 'number', nullable: o.which !== 'date' };
      }
      case 'dateLiteral':
        return { type: 'date', nullable: false };
      case 'number':
        return { type: 'number', nullable: false };
      case 'years':
        return { type: 'years', nullable: false };
      case 'text':
        return { type: 'text', nullable: false };
      case 'group':
        return operand(o.inner);
      case 'offset': {
        const base = operand(o.base);
        if (base.type === null) return BAD;
        if (base.type !== 'date') {
          sink.add('TYPE_MISMATCH', path, `date arithmetic needs a date on the left, not a ${base.type}`);
          return BAD;
        }
        return { type: 'date', nullable: base.nullable };
      }
      case 'call': {
        const args = o.args.map((a) => ({ a, t: operand(a) }));
        if (args.some((x) => x.t.type === null)) return BAD;
        if (o.fn === 'latestOf' || o.fn === 'earliestOf') {
          const bad = args.find((x) => x.t.type !== 'date');
          if (bad) {
            sink.add('TYPE_MISMATCH', path, `${o.fn} takes date fields; '${bad.a.name}' is a ${bad.t.type}`);
            return BAD;
          }
          return { type: 'date', nullable: true };
        }
        if (args.length !== 1) {
          sink.add('TYPE_MISMATCH', path, `${o.fn} takes exactly one array`);
          return BAD;
        }
        const t = (args[0] as { t: Typed }).t.type;
        if (t !== 'dateArray' && t !== 'valueArray') {
          sink.add('TYPE_MISMATCH', path, `${o.fn} takes an array field, not a ${t}`);
          return BAD;
        }
        if (o.fn === 'count') return { type: 'number', nullable: false };
        return { type: t === 'dateArray' ? 'date' : 'number', nullable: true };
      }
    }
  };

  const scalar = (o: Operand, t: Typed): boolean => {
    if (t.type === 'dateArray' || t.type === 'valueArray') {
      if (o.kind === 'name' && o.form === 'bracket') {
        sink.add(
          'CANDIDATE_OUT_OF_SCOPE',
          path,
          `the aligned value ${o.name} is only available in the Where of a Date with fromArray over its date array`,
        );
      } else {
        sink.add(
          'TYPE_MISMATCH',
          path,
          `the array ${o.kind === 'name' ? o.name : ''} can only be used in count, min or max`,
        );
      }
      return false;
    }
    return t.type !== null;
  };

  const compatible = (a: ValueType, b: ValueType): boolean => {
    if (a === b) return a !== 'years';
    const pair = new Set([a, b]);
    return pair.has('age') && (pair.has('number') || pair.has('years'));
  };

  const cond1 = (c: Condition): boolean /* nullable comparison */ => {
    switch (c.kind) {
      case 'or':
      case 'and': {
        let any = false;
        for (const i of c.items) any = cond1(i) || any;
        return any;
      }
      case 'paren':
        return cond1(c.item);
      case 'not': {
        const nullable = cond1(c.item);
        if (nullable) {
          sink.add(
            'NOT_OVER_NULLABLE',
            path,
            'NOT over a comparison whose operands can be null is true when they are null (P4)',
            'warning',
          );
        }
        return false;
      }
      case 'isNull': {
        const t = operand(c.operand);
        scalar(c.operand, t);
        return false;
      }
      case 'compare': {
        const l = operand(c.left);
        const r = operand(c.right);
        if (!scalar(c.left, l) || !scalar(c.right, r)) return false;
        const lt = l.type as ValueType;
        const rt = r.type as ValueType;
        if (!compatible(lt, rt)) {
          sink.add('TYPE_MISMATCH', path, `cannot compare a ${lt} with a ${rt}`);
          return false;
        }
        return l.nullable || r.nullable;
      }
    }
  };
  cond1(cond);
  return deps;
}

/** Wraps an issue list as a sink. */
export function sinkInto(list: SpecIssue[]): IssueSink {
  return {
    add(code, path, message, severity = 'error') {
      list.push({ code, severity, path, message });
    },
  };
}
