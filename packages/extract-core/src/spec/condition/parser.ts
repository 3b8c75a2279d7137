import { parseIsoDate, parseUkDate } from '../../dates/calendar.js';
import type { Condition, ConditionSyntaxError, DateUnit, FunctionName, NameRef, Operand } from './ast.js';
import { SyntaxFailure, type Token, tokenize } from './lexer.js';

/** Result of {@link parseCondition}. */
export type ParseConditionResult =
  | { readonly ok: true; readonly condition: Condition; readonly mixedAndOr: boolean }
  | { readonly ok: false; readonly error: ConditionSyntaxError };

/** Conditions are short; these bounds keep hostile text from exhausting the stack or the CPU. */
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 32;

const FUNCTIONS: ReadonlySet<string> = new Set<FunctionName>([
  'latestOf',
  'earliestOf',
  'count',
  'min',
  'max',
]);
const UNITS: Readonly<Record<string, DateUnit>> = {
  day: 'day',
  days: 'day',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};

/** How a token reads in a message: what was found. */
function found(tok: Token | undefined): string {
  if (tok === undefined || tok.t === 'end') return 'the end of the condition';
  switch (tok.t) {
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    case 'comma':
      return "','";
    case 'plus':
      return "'+'";
    case 'minus':
      return "'-'";
    case 'op':
      return `'${tok.op}'`;
    case 'candidate':
      return `'@${tok.which}'`;
    case 'brace':
    case 'bracket':
    case 'ident':
    case 'number':
    case 'date':
      return `'${tok.text}'`;
    case 'text':
      return 'a text literal';
  }
}

const OPERAND =
  "an operand: a field or parameter name, a number, a date (2022-03-31 or 31/03/2022), 'text', @date, @value1, @value2, or count, min, max, latestOf or earliestOf of names";
const COMPARISON = 'a comparison operator (=, !=, <, <=, >, >=)';

function keyword(tok: Token, word: string): boolean {
  return tok.t === 'ident' && tok.text.toUpperCase() === word;
}

/** A recursive-descent parser over one condition's tokens. */
class Parser {
  private pos = 0;
  private depth = 0;
  mixedAndOr = false;

  constructor(private readonly toks: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.pos + offset, this.toks.length - 1)] as Token;
  }

  private next(): Token {
    const tok = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return tok;
  }

  private fail(message: string, tok: Token = this.peek()): never {
    throw new SyntaxFailure(tok.at, message);
  }

  parseAll(): Condition {
    const c = this.condition();
    if (this.peek().t !== 'end')
      this.fail(
        `${found(this.peek())} follows a complete condition: join conditions with AND or OR, and group them with ( )`,
      );
    return c;
  }

  private condition(): Condition {
    const items = [this.conjunction()];
    while (keyword(this.peek(), 'OR')) {
      this.next();
      items.push(this.conjunction());
    }
    if (items.length === 1) return items[0] as Condition;
    if (items.some((i) => i.kind === 'and')) this.mixedAndOr = true;
    return { kind: 'or', items };
  }

  private conjunction(): Condition {
    const items = [this.negation()];
    while (keyword(this.peek(), 'AND')) {
      this.next();
      items.push(this.negation());
    }
    if (items.length === 1) return items[0] as Condition;
    if (items.some((i) => i.kind === 'or')) this.mixedAndOr = true;
    return { kind: 'and', items };
  }

  private negation(): Condition {
    if (keyword(this.peek(), 'NOT')) {
      this.next();
      return { kind: 'not', item: this.primary() };
    }
    return this.primary();
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`parentheses nested more than ${MAX_DEPTH} deep`);
  }

  private primary(): Condition {
    if (this.peek().t === 'lparen' && this.groupIsCondition()) {
      const open = this.next();
      this.enter();
      const inner = this.condition();
      this.depth--;
      const close = this.next();
      if (close.t !== 'rparen') {
        this.fail(
          `the group of conditions opened at character ${open.at + 1} needs ')' here, found ${found(close)} (within a group, join conditions with AND or OR)`,
          close,
        );
      }
      return { kind: 'paren', item: inner };
    }
    if (keyword(this.peek(), 'IF')) {
      // `If` may lead anything a condition starts with: a comparison, NOT, or a parenthesised group.
      this.next();
      return this.negation();
    }
    return this.comparison();
  }

  /** §3.3.1: a parenthesised group is a condition if it holds a comparison or a logical keyword at its top level. */
  private groupIsCondition(): boolean {
    let depth = 0;
    for (let i = this.pos; i < this.toks.length; i++) {
      const tok = this.toks[i] as Token;
      if (tok.t === 'lparen') depth++;
      else if (tok.t === 'rparen') {
        depth--;
        if (depth === 0) return false;
      } else if (depth === 1) {
        if (tok.t === 'op') return true;
        if (keyword(tok, 'AND') || keyword(tok, 'OR') || keyword(tok, 'NOT') || keyword(tok, 'IF'))
          return true;
      } else if (tok.t === 'end') return false;
    }
    return false;
  }

  private comparison(): Condition {
    const start = this.peek();
    const left = this.operand();
    const opTok = this.next();
    if (opTok.t !== 'op') {
      this.fail(
        `a comparison starting at character ${start.at + 1} needs ${COMPARISON} after its first operand, found ${found(opTok)}`,
        opTok,
      );
    }
    if ((opTok.op === '=' || opTok.op === '!=') && keyword(this.peek(), 'NULL')) {
      this.next();
      return { kind: 'isNull', negated: opTok.op === '!=', operand: left };
    }
    if (keyword(this.peek(), 'NULL'))
      this.fail(`null can only be tested with '= null' or '!= null', not '${opTok.op} null'`);
    const right = this.operand();
    return { kind: 'compare', op: opTok.op, left, right };
  }

  private operand(): Operand {
    let value = this.term();
    while (this.peek().t === 'plus' || this.peek().t === 'minus') {
      const signTok = this.next();
      const sign = signTok.t === 'plus' ? 1 : -1;
      const amount = this.next();
      if (amount.t !== 'number' || !/^\d+$/.test(amount.text)) {
        this.fail(
          `date arithmetic takes a whole number and a unit after '${sign > 0 ? '+' : '-'}' (e.g. ACHV_DAT - 12 months), found ${found(amount)}`,
          amount,
        );
      }
      const unitTok = this.next();
      const unit = unitTok.t === 'ident' ? UNITS[unitTok.text.toLowerCase()] : undefined;
      if (unit === undefined) {
        this.fail(
          `date arithmetic needs a unit after ${amount.text}: day(s), month(s) or year(s); found ${found(unitTok)}`,
          unitTok,
        );
      }
      value = { kind: 'offset', base: value, sign, amount: Number(amount.text), unit };
    }
    return value;
  }

  private nameRef(tok: Token): NameRef {
    if (tok.t === 'brace') return { kind: 'name', name: tok.text, form: 'brace' };
    if (tok.t === 'bracket') return { kind: 'name', name: tok.text, form: 'bracket' };
    if (tok.t === 'ident' && !isKeyword(tok.text)) return { kind: 'name', name: tok.text, form: 'plain' };
    return this.fail(
      `a function takes field names (NAME, {DATES} or [VALUES]) separated by commas, found ${found(tok)}`,
      tok,
    );
  }

  private term(): Operand {
    const tok = this.next();
    switch (tok.t) {
      case 'ident': {
        if (FUNCTIONS.has(tok.text) && this.peek().t === 'lparen') {
          this.next();
          const args = [this.nameRef(this.next())];
          while (this.peek().t === 'comma') {
            this.next();
            args.push(this.nameRef(this.next()));
          }
          const close = this.next();
          if (close.t !== 'rparen')
            this.fail(`${tok.text}( … ) needs ')' after its names, found ${found(close)}`, close);
          return { kind: 'call', fn: tok.text as FunctionName, args };
        }
        if (isKeyword(tok.text)) {
          return this.fail(`expected ${OPERAND}; found the keyword '${tok.text}'`, tok);
        }
        return this.nameRef(tok);
      }
      case 'brace':
      case 'bracket':
        return this.nameRef(tok);
      case 'candidate':
        return { kind: 'candidate', which: tok.which };
      case 'date': {
        const day = tok.text.includes('/') ? parseUkDate(tok.text) : parseIsoDate(tok.text);
        if (day === null)
          return this.fail(`'${tok.text}' is not a calendar date (dates are YYYY-MM-DD or DD/MM/YYYY)`, tok);
        return { kind: 'dateLiteral', day, text: tok.text };
      }
      case 'number':
        return this.numberTerm(tok.text, 1);
      case 'minus': {
        const num = this.next();
        if (num.t !== 'number')
          return this.fail(`a minus sign before an operand takes a number, found ${found(num)}`, num);
        return this.numberTerm(num.text, -1);
      }
      case 'text':
        return { kind: 'text', value: tok.text };
      case 'lparen': {
        this.enter();
        const inner = this.operand();
        this.depth--;
        const close = this.next();
        if (close.t !== 'rparen') {
          this.fail(
            `the bracketed value opened at character ${tok.at + 1} needs ')' here, found ${found(close)}`,
            close,
          );
        }
        return { kind: 'group', inner };
      }
      default:
        return this.fail(`expected ${OPERAND}; found ${found(tok)}`, tok);
    }
  }

  private numberTerm(text: string, sign: 1 | -1): Operand {
    const value = sign * Number(text);
    const unitTok = this.peek();
    if (unitTok.t === 'ident' && /^years?$/i.test(unitTok.text)) {
      this.next();
      return { kind: 'years', value };
    }
    return { kind: 'number', value, text: sign < 0 ? `-${text}` : text };
  }
}

function isKeyword(text: string): boolean {
  const u = text.toUpperCase();
  return u === 'AND' || u === 'OR' || u === 'NOT' || u === 'IF' || u === 'NULL';
}

/** Parses one condition (business-rules §3.3.1). Never throws. */
export function parseCondition(text: string): ParseConditionResult {
  if (text.length > MAX_LENGTH) {
    return {
      ok: false,
      error: { offset: MAX_LENGTH, message: `the condition is longer than ${MAX_LENGTH} characters` },
    };
  }
  try {
    const parser = new Parser(tokenize(text));
    const condition = parser.parseAll();
    return { ok: true, condition, mixedAndOr: parser.mixedAndOr };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: { offset: e.offset, message: e.message } };
    throw e;
  }
}
