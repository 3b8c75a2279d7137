/**
 * Remembers every accepted `(mailbox, nonce, nonce_count)` so a token works once only (SPEC). Entries are
 * dropped once their timestamp has left the validity window, because such a token is refused anyway.
 */
export class TokenLedger {
  readonly #used = new Map<string, number>();

  /** Records the token; false if it was already used. */
  use(key: string, tokenTimeMs: number, windowMs: number, nowMs: number): boolean {
    if (this.#used.has(key)) return false;
    this.#used.set(key, tokenTimeMs + windowMs);
    if (this.#used.size > 10_000) this.#prune(nowMs);
    return true;
  }

  #prune(nowMs: number): void {
    for (const [k, expiresAt] of this.#used) if (expiresAt < nowMs) this.#used.delete(k);
  }

  clear(): void {
    this.#used.clear();
  }
}
