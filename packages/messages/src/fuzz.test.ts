/**
 * Fuzz: mutated and hostile documents never throw, hang or crash any decoder (or detection); every failure is a
 * well-formed issue, and no issue message echoes document content unless `includeValues` is set. Iterations are
 * bounded so the whole file runs in a few seconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecs } from '../test/support/codecs.js';
import { isMessageDecodeError } from './core/issues.js';
import { detectMessage } from './detect.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const MARKER = 'SECRET9434765919';

function seeds(folder: string, ext: string): Uint8Array[] {
  return readdirSync(`${fixtures}${folder}`)
    .filter((f) => f.endsWith(`.${ext}`))
    .map((f) => {
      // Plant a marker in every text node and attribute value, so a leak would show.
      const text = readFileSync(`${fixtures}${folder}/${f}`, 'utf8')
        .replace(/>([^<\s][^<]*)</g, `>$1${MARKER}<`)
        .replace(/="([^"]*)"/g, `="$1${MARKER}"`);
      return new TextEncoder().encode(text);
    });
}

type Mutation = (doc: Uint8Array, r: number[]) => Uint8Array;
const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const at = (doc: Uint8Array, r: number) => (doc.length === 0 ? 0 : r % doc.length);

const mutations: Mutation[] = [
  (d, [a = 0, b = 0]) => {
    const out = d.slice();
    out[at(d, a)] = b & 0xff;
    return out;
  },
  (d, [a = 0]) => d.slice(0, at(d, a)),
  (d, [a = 0, b = 0]) => cat(d.slice(0, at(d, a)), d.slice(at(d, b))),
  (d, [a = 0, b = 0]) =>
    cat(
      d.slice(0, at(d, a)),
      enc(['<', '>', '&', '&lt', ']]>', '<!--', '"', '\u0000', '&#0;', '<?x?>'][b % 10]!),
      d.slice(at(d, a)),
    ),
  (d, [a = 0]) =>
    cat(d.slice(0, at(d, a)), enc(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`), d.slice(at(d, a))),
  (d) => cat(enc('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'), d),
  (d, [a = 0]) => cat(d.slice(0, at(d, a)), enc('&e;&lol9;'), d.slice(at(d, a))),
  (d) => {
    const t = new TextDecoder()
      .decode(d)
      .replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="ISO-8859-1"?>');
    return enc(t);
  },
  (d) => {
    const t = new TextDecoder().decode(d);
    const out = new Uint8Array(2 + t.length * 2);
    out.set([0xff, 0xfe]);
    for (let i = 0; i < t.length; i++) {
      out[2 + 2 * i] = t.charCodeAt(i) & 0xff;
      out[3 + 2 * i] = t.charCodeAt(i) >> 8;
    }
    return out;
  },
  (d, [a = 0]) => {
    const t = new TextDecoder().decode(d);
    const i = t.indexOf(' ', at(d, a));
    return i < 0 ? d : enc(`${t.slice(0, i)} huge="${'x'.repeat(1_100_000)}"${t.slice(i)}`);
  },
  (d, [a = 0]) => {
    const t = new TextDecoder().decode(d);
    const i = t.indexOf(' ', at(d, a));
    const many = Array.from({ length: 400 }, (_, k) => `a${k}="1"`).join(' ');
    return i < 0 ? d : enc(`${t.slice(0, i)} ${many}${t.slice(i)}`);
  },
  (d, [a = 0]) => cat(d.slice(0, at(d, a)), new Uint8Array([0xc3, 0x28, 0xe2, 0x82]), d.slice(at(d, a))),
];

function checkResult(r: unknown): void {
  expect(typeof r).toBe('object');
  const res = r as { ok: boolean; issues?: Array<{ path: unknown; code: unknown; message: unknown }> };
  expect(typeof res.ok).toBe('boolean');
  if (!res.ok) {
    expect(res.issues!.length).toBeGreaterThan(0);
    for (const i of res.issues!) {
      expect(typeof i.path).toBe('string');
      expect(typeof i.code).toBe('string');
      expect(typeof i.message).toBe('string');
      expect(i.message).not.toContain(MARKER);
      expect(i.path).not.toContain(MARKER);
    }
  }
}

describe('fuzz: hostile and mutated input', () => {
  for (const [folder, codec] of Object.entries(codecs)) {
    const docs = seeds(folder, codec.extension);
    it(`${folder}: never throws, hangs or leaks values`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: docs.length - 1 }),
          fc.array(fc.integer({ min: 0, max: mutations.length - 1 }), { minLength: 1, maxLength: 3 }),
          fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
          (docIndex, which, r) => {
            let doc = docs[docIndex]!;
            for (const m of which) doc = mutations[m]!(doc, r);
            checkResult(codec.decode(doc));
            checkResult(codec.decode(new TextDecoder().decode(doc)));
            expect(() => detectMessage(doc)).not.toThrow();
          },
        ),
        { numRuns: 60 },
      );
    }, 30_000);
  }

  it('encoders given arbitrary JavaScript values either encode or throw MessageDecodeError, nothing else', () => {
    const samplesOf = Object.values(codecs);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: samplesOf.length - 1 }), fc.anything(), (i, value) => {
        try {
          expect(typeof samplesOf[i]!.encode(value)).toBe('string');
        } catch (e) {
          if (!isMessageDecodeError(e)) throw e;
        }
      }),
      { numRuns: 300 },
    );
    for (const codec of samplesOf) {
      for (const value of [
        null,
        undefined,
        42,
        'x',
        [],
        { notifications: [null] },
        { gpPracticeCohort: [null] },
      ]) {
        try {
          codec.encode(value);
        } catch (e) {
          expect(isMessageDecodeError(e)).toBe(true);
        }
      }
    }
  });

  it('every decoder refuses every mutation kind at least sometimes (the mutations are not no-ops)', () => {
    const codec = codecs['run-time-parameters']!;
    const doc = seeds('run-time-parameters', 'xml')[0]!;
    const refused = mutations.map((m) => codec.decode(m(doc, [17, 3])).ok === false);
    expect(refused.filter(Boolean).length).toBeGreaterThanOrEqual(mutations.length - 2);
  });

  it('with includeValues the offending value is reported (opt-in only)', () => {
    const codec = codecs['run-time-parameters-response']!;
    const xml = readFileSync(`${fixtures}run-time-parameters-response/valid-accepted.xml`, 'utf8').replace(
      'Z99902',
      'Z9990X',
    );
    const without = codec.decode(xml);
    const withValues = codec.decode(xml, { includeValues: true });
    expect(without.ok || without.issues[0]?.value).toBeFalsy();
    expect(!withValues.ok && withValues.issues[0]?.value).toBe('Z9990X');
    expect(!withValues.ok && withValues.issues[0]?.message).toContain('Z9990X');
  });
});
