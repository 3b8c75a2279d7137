/**
 * Value encoding for Query Results columns (§5.3): GPES-I-Numeric-Type is an optional minus sign, 1-10 integer
 * digits and at most 4 decimal places.
 */

/** Plain decimal digits of a finite number, without an exponent. */
function plainDecimal(x: number): string {
  const s = String(Math.abs(x));
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const intPart = m[1] as string;
  const frac = m[2] ?? '';
  const exp = Number(m[3]);
  const digits = intPart + frac;
  const point = intPart.length + exp;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Adds one to a string of decimal digits. */
function incrementDigits(d: string): string {
  const a = d.split('');
  let i = a.length - 1;
  while (i >= 0) {
    if (a[i] === '9') {
      a[i] = '0';
      i--;
    } else {
      a[i] = String(Number(a[i]) + 1);
      return a.join('');
    }
  }
  return `1${a.join('')}`;
}

/**
 * Encodes a number as GPES-I-Numeric-Type: rounded to 4 decimal places, halves away from zero, on the decimal
 * representation; no exponent, no trailing zeros or decimal point. Returns null when it does not fit.
 */
export function encodeNumber(x: number): string | null {
  if (typeof x !== 'number' || !Number.isFinite(x)) return null;
  const plain = plainDecimal(x);
  const [ip = '0', fp = ''] = plain.split('.');
  let intDigits = ip;
  let fracDigits = fp.padEnd(5, '0');
  const roundUp = fracDigits.charCodeAt(4) - 48 >= 5;
  fracDigits = fracDigits.slice(0, 4);
  if (roundUp) {
    const joined = incrementDigits(intDigits + fracDigits);
    intDigits = joined.slice(0, joined.length - 4);
    fracDigits = joined.slice(joined.length - 4);
  }
  intDigits = intDigits.replace(/^0+(?=\d)/, '');
  fracDigits = fracDigits.replace(/0+$/, '');
  if (intDigits.length > 10) return null;
  const body = fracDigits ? `${intDigits}.${fracDigits}` : intDigits;
  return x < 0 && body !== '0' ? `-${body}` : body;
}
