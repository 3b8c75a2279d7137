/**
 * Synthetic NHS numbers: `999` followed by six digits and a valid modulus-11 check digit. Numbers starting 999 are
 * a test range that is never issued to patients, so a generated record can never name a real person, while
 * validators that check the check digit still accept it.
 * @internal
 */
export function syntheticNhsNumber(seed: number, index: number): string {
  let base = (Math.imul(index, 7919) + seed) >>> 0;
  for (;;) {
    const digits = `999${String(base % 1_000_000).padStart(6, '0')}`;
    const check = checkDigit(digits);
    if (check !== undefined) return `${digits}${check}`;
    base++;
  }
}

/** Modulus-11 check digit of nine digits, or undefined when the remainder makes the number invalid (10). */
export function checkDigit(nineDigits: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}
