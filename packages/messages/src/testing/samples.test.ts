import { describe, expect, it } from 'vitest';
import { codecs } from '../../test/support/codecs.js';
import { detectMessage } from '../detect.js';
import { decodeQueryResults } from '../query-results/index.js';
import { MESSAGE_KINDS } from '../registry.js';
import { readSampleMessage, sampleMessagePath, sampleMessages } from './index.js';

const folderOf = (file: string) => file.split('/')[1] ?? '';

describe('sample messages', () => {
  it('ship one document for every message kind', () => {
    expect(new Set(sampleMessages.map((s) => s.kind))).toEqual(new Set(MESSAGE_KINDS));
  });

  it.each(sampleMessages.map((s) => [s.name, s] as const))(
    '%s is detected as its kind and decodes without issues',
    (name, s) => {
      const text = readSampleMessage(name);
      expect(sampleMessagePath(name).endsWith(s.file)).toBe(true);
      expect(detectMessage(text)?.kind).toBe(s.kind);
      const codec = codecs[folderOf(s.file)];
      const result = s.kind === 'QR' ? decodeQueryResults(text) : codec?.decode(text);
      expect(result?.ok, JSON.stringify(result?.ok ? [] : result?.issues)).toBe(true);
    },
  );

  it('name the samples that exist when asked for one that does not', () => {
    expect(() => readSampleMessage('rtp-v9')).toThrow(/the samples are: q-e-nt, e-q-nt, rtp/);
  });
});
