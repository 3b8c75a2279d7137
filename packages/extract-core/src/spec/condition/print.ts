import type { Condition, Operand } from './ast.js';

/** The canonical ASCII form of an operand. */
export function printOperand(o: Operand): string {
  switch (o.kind) {
    case 'name':
      return o.name;
    case 'candidate':
      return `@${o.which}`;
    case 'dateLiteral':
      return isoOf(o.text);
    case 'number':
      return o.text;
    case 'years':
      return `${o.value} years`;
    case 'text':
      return `'${o.value}'`;
    case 'call':
      return `${o.fn}(${o.args.map((a) => a.name).join(', ')})`;
    case 'offset':
      return `${printOperand(o.base)} ${o.sign > 0 ? '+' : '-'} ${o.amount} ${o.unit}${o.amount === 1 ? '' : 's'}`;
    case 'group':
      return `(${printOperand(o.inner)})`;
  }
}

function isoOf(text: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : text;
}

/** The canonical ASCII form of a condition (business-rules §3.1 rule 2): no `If`, `!=`, `-`, ISO dates. */
export function printCondition(c: Condition): string {
  switch (c.kind) {
    case 'or':
      return c.items.map(printCondition).join(' OR ');
    case 'and':
      return c.items.map(printCondition).join(' AND ');
    case 'not':
      return `NOT ${printCondition(c.item)}`;
    case 'paren':
      return `(${printCondition(c.item)})`;
    case 'compare':
      return `${printOperand(c.left)} ${c.op} ${printOperand(c.right)}`;
    case 'isNull':
      return `${printOperand(c.operand)} ${c.negated ? '!=' : '='} null`;
  }
}
