import { describe, expect, it } from 'vitest';
import { parseCondition } from './parser.js';
import { printCondition } from './print.js';

const canonical = (text: string) => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(r.error.message);
  return printCondition(r.condition);
};

describe('condition language (§3.3.1)', () => {
  it('reads a grouped condition after If, as Business Rules documents write them', () => {
    expect(canonical('If (A_DAT != null AND B_DAT = null) OR (C_DAT > ACHV_DAT)')).toBe(
      '(A_DAT != null AND B_DAT = null) OR (C_DAT > ACHV_DAT)',
    );
    expect(canonical('If NOT (A_DAT = null)')).toBe('NOT (A_DAT = null)');
    expect(canonical('If (A_DAT > (ACHV_DAT - 1 year))')).toBe('(A_DAT > (ACHV_DAT - 1 year))');
  });

  it('accepts NHS typography pasted from the Word document and prints canonical ASCII', () => {
    expect(
      canonical(
        '(If REG_DAT ≠ Null AND If DEREG_DAT = Null) OR (If REG_DAT ≠ Null AND If DEREG_DAT > ACHV_DAT)',
      ),
    ).toBe('(REG_DAT != null AND DEREG_DAT = null) OR (REG_DAT != null AND DEREG_DAT > ACHV_DAT)');
    expect(canonical('If ACE_DAT > (PPED – 6 months)')).toBe('ACE_DAT > (PPED - 6 months)');
    expect(canonical('If DSEP_DAT ≤ (DM_DAT + 279 days)')).toBe('DSEP_DAT <= (DM_DAT + 279 days)');
    expect(canonical('If DM_DAT < 01/04/2013')).toBe('DM_DAT < 2013-04-01');
    expect(canonical('If PAT_AGE < 17 years')).toBe('PAT_AGE < 17 years');
    expect(canonical('X <> 3 and y >= 2')).toBe('X != 3 AND y >= 2');
    expect(canonical("SEX = '2'")).toBe("SEX = '2'");
    expect(canonical('@date > (ACHV_DAT - 3 years) AND @value1 < 10%')).toBe(
      '@date > (ACHV_DAT - 3 years) AND @value1 < 10',
    );
    expect(canonical('count({BPSYS_DAT}) >= 2 AND max([BPSYS_VAL]) < 140')).toBe(
      'count({BPSYS_DAT}) >= 2 AND max([BPSYS_VAL]) < 140',
    );
    expect(canonical('latestOf(A_DAT, B_DAT) > (X + 1 year) - 1 day')).toBe(
      'latestOf(A_DAT, B_DAT) > (X + 1 year) - 1 day',
    );
    expect(canonical('NOT (A > -5)')).toBe('NOT (A > -5)');
  });

  it('tells a parenthesised condition from a parenthesised operand', () => {
    const r = parseCondition('(PPED - 12 months) < X');
    expect(r.ok && r.condition.kind).toBe('compare');
    const c = parseCondition('(A = null OR B = null)');
    expect(c.ok && c.condition.kind).toBe('paren');
  });

  it('gives NOT, then AND, then OR precedence and flags unparenthesised mixing', () => {
    const r = parseCondition('A = null OR B = null AND C = null');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mixedAndOr).toBe(true);
    expect(r.condition.kind).toBe('or');
    const ok = parseCondition('(A = null OR B = null) AND C = null');
    expect(ok.ok && ok.mixedAndOr).toBe(false);
  });

  it('reports syntax errors with an offset instead of throwing', () => {
    for (const bad of [
      'A >',
      'A = null AND',
      '(A = null',
      'A < null',
      'A = 2021-02-30',
      'A ! B',
      "A = 'open",
      '{A',
      'A + 3 weeks > B',
      '@when > A',
      'A B',
    ]) {
      const r = parseCondition(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.offset).toBeGreaterThanOrEqual(0);
    }
  });

  it('says which construct failed and what is allowed there', () => {
    const message = (text: string) => {
      const r = parseCondition(text);
      return r.ok ? 'parsed' : `${r.error.message} @${r.error.offset + 1}`;
    };
    expect(message('(A = null AND B = null C = null)')).toBe(
      "the group of conditions opened at character 1 needs ')' here, found 'C' (within a group, join conditions with AND or OR) @24",
    );
    expect(message('A >')).toBe(
      "expected an operand: a field or parameter name, a number, a date (2022-03-31 or 31/03/2022), 'text', @date, @value1, @value2, or count, min, max, latestOf or earliestOf of names; found the end of the condition @4",
    );
    expect(message('A B')).toBe(
      "a comparison starting at character 1 needs a comparison operator (=, !=, <, <=, >, >=) after its first operand, found 'B' @3",
    );
    expect(message('A < null')).toBe("null can only be tested with '= null' or '!= null', not '< null' @5");
    expect(message('A + 3 weeks > B')).toBe(
      "date arithmetic needs a unit after 3: day(s), month(s) or year(s); found 'weeks' @7",
    );
    expect(message('A > B - x')).toBe(
      "date arithmetic takes a whole number and a unit after '-' (e.g. ACHV_DAT - 12 months), found 'x' @9",
    );
    expect(message('A = null B = null')).toBe(
      "'B' follows a complete condition: join conditions with AND or OR, and group them with ( ) @10",
    );
    expect(message('count(A B) > 1')).toBe("count( … ) needs ')' after its names, found 'B' @9");
    expect(message('A = 2021-02-30')).toBe(
      "'2021-02-30' is not a calendar date (dates are YYYY-MM-DD or DD/MM/YYYY) @5",
    );
    expect(message('A = AND')).toMatch(/^expected an operand: .*; found the keyword 'AND' @5$/);
    expect(message('A $ B')).toMatch(/^the character '\$' is not part of the condition language/);
  });

  it('refuses pathological input quickly instead of overflowing the stack', () => {
    const deep = `${'('.repeat(3000)}A = null${')'.repeat(3000)}`;
    const r = parseCondition(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/nested/);
    const long = parseCondition(`A = null${' AND A = null'.repeat(2000)}`);
    expect(long.ok).toBe(false);
    const ok = parseCondition(`A = null${' AND A = null'.repeat(500)}`);
    expect(ok.ok).toBe(true);
  });
});
