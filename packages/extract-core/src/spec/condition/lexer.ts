import type { CompareOp } from './ast.js';

/** A token of the condition language. */
export type Token =
  | { readonly t: 'lparen' | 'rparen' | 'comma' | 'plus' | 'minus' | 'end'; readonly at: number }
  | { readonly t: 'op'; readonly op: CompareOp; readonly at: number }
  | { readonly t: 'ident'; readonly text: string; readonly at: number }
  | { readonly t: 'brace' | 'bracket'; readonly text: string; readonly at: number }
  | { readonly t: 'candidate'; readonly which: 'date' | 'value1' | 'value2'; readonly at: number }
  | { readonly t: 'number'; readonly text: string; readonly at: number }
  | { readonly t: 'date'; readonly text: string; readonly at: number }
  | { readonly t: 'text'; readonly text: string; readonly at: number };

/** Thrown inside the parser only; converted to an issue at its boundary. */
export class SyntaxFailure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const SINGLE: Readonly<Record<string, 'lparen' | 'rparen' | 'comma' | 'plus' | 'minus' | CompareOp>> = {
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
  '+': 'plus',
  '-': 'minus',
  '\u2013': 'minus',
  '\u2212': 'minus',
  '\u2260': '!=',
  '\u2264': '<=',
  '\u2265': '>=',
};
const TWO: Readonly<Record<string, CompareOp>> = {
  '!=': '!=',
  '<>': '!=',
  '<=': '<=',
  '>=': '>=',
  '==': '=',
};

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

/**
 * Splits condition text into tokens. Accepts the NHS typography (≠ ≤ ≥ <> and the en dash as minus) so rule
 * text can be pasted from the Word document.
 */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0') {
      i++;
      continue;
    }
    const at = i;
    const single = SINGLE[c];
    if (single !== undefined) {
      out.push(
        single === 'lparen' ||
          single === 'rparen' ||
          single === 'comma' ||
          single === 'plus' ||
          single === 'minus'
          ? { t: single, at }
          : { t: 'op', op: single, at },
      );
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    const twoOp = TWO[two];
    if (twoOp !== undefined) {
      out.push({ t: 'op', op: twoOp, at });
      i += 2;
      continue;
    }
    if (c === '!') throw new SyntaxFailure(at, "'!' is only allowed in '!=' (not equal)");
    if (c === '<' || c === '>' || c === '=') {
      out.push({ t: 'op', op: c, at });
      i++;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) throw new SyntaxFailure(at, "a text literal opened with ' is not closed");
      out.push({ t: 'text', text: src.slice(i + 1, close), at });
      i = close + 1;
    } else if (c === '{' || c === '[') {
      const closeChar = c === '{' ? '}' : ']';
      const close = src.indexOf(closeChar, i + 1);
      const inner = close < 0 ? '' : src.slice(i + 1, close);
      if (close < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) {
        throw new SyntaxFailure(
          at,
          `${c}${closeChar} holds one name of letters, digits and _, closed on the same line, e.g. ${c}BP_DAT${closeChar}`,
        );
      }
      out.push({ t: c === '{' ? 'brace' : 'bracket', text: `${c}${inner}${closeChar}`, at });
      i = close + 1;
    } else if (c === '@') {
      const m = /^@(date|value1|value2)(?![A-Za-z0-9_])/.exec(src.slice(i));
      if (!m)
        throw new SyntaxFailure(
          at,
          "after '@' only date, value1 or value2 are allowed (@date, @value1, @value2)",
        );
      out.push({ t: 'candidate', which: m[1] as 'date' | 'value1' | 'value2', at });
      i += m[0].length;
    } else if (c >= '0' && c <= '9') {
      const rest = src.slice(i);
      const iso = /^\d{4}-\d{2}-\d{2}(?![0-9])/.exec(rest);
      const uk = /^\d{2}\/\d{2}\/\d{4}(?![0-9])/.exec(rest);
      const num = /^\d+(\.\d+)?(?![0-9])/.exec(rest);
      const m = iso ?? uk;
      if (m) {
        out.push({ t: 'date', text: m[0], at });
        i += m[0].length;
      } else if (num) {
        out.push({ t: 'number', text: num[0], at });
        i += num[0].length;
        if (src[i] === '%') i++; // "< 10%" in NHS text: the number is the value
      } else throw new SyntaxFailure(at, 'a number is digits with at most one decimal point, e.g. 58 or 7.5');
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j] as string)) j++;
      out.push({ t: 'ident', text: src.slice(i, j), at });
      i = j;
    } else {
      throw new SyntaxFailure(
        at,
        `the character '${c}' is not part of the condition language (names, numbers, dates, 'text', @date, = != < <= > >=, + -, ( ), commas, AND OR NOT)`,
      );
    }
  }
  out.push({ t: 'end', at: src.length });
  return out;
}
