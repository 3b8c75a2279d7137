import { describe, expect, it } from 'vitest';
import { LevelLogger, redactHeaders } from './logger.js';

describe('logging', () => {
  it('redacts every header outside the allow-list', () => {
    expect(
      redactHeaders({
        Authorization: 'NHSMESH x',
        'mex-subject': 's',
        'mex-localid': 'l',
        'mex-chunk-range': '1:2',
      }),
    ).toEqual({
      authorization: '[REDACTED]',
      'mex-subject': '[REDACTED]',
      'mex-localid': '[REDACTED]',
      'mex-chunk-range': '1:2',
    });
  });

  it('filters by level and is silent without a logger', () => {
    const seen: string[] = [];
    const sink = (level: string) => (_obj: Record<string, unknown>, msg: string) =>
      seen.push(`${level}:${msg}`);
    const logger = { debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error') };
    const log = new LevelLogger(logger, 'warn');
    log.debug({}, 'a');
    log.info({}, 'b');
    log.warn({}, 'c');
    log.error({}, 'd');
    expect(seen).toEqual(['warn:c', 'error:d']);
    const silent = new LevelLogger(undefined, 'debug');
    expect(silent.enabled('error')).toBe(false);
  });
});
