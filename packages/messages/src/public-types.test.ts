/**
 * Type-level checks of the public API (run by `tsc`, which type-checks tests; the runtime part is trivial).
 * They pin the shapes helper code and examples rely on: discriminated results, plain TypeScript models.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { ReportRow } from './experimental.js';
import {
  type DecodeIssue,
  type DecodeResult,
  decodeQENotificationMessage,
  decodeRunTimeParameters,
  encodeRunTimeParameters,
  type MessageKind,
  type QENotification,
  type RunTimeParameters,
  workflowIdFor,
} from './index.js';

describe('public types', () => {
  it('decoders return a discriminated result', () => {
    const r = decodeRunTimeParameters('');
    expectTypeOf(r).toEqualTypeOf<DecodeResult<RunTimeParameters>>();
    if (r.ok) expectTypeOf(r.value.gpPracticeCohort[0]!.practiceId).toBeString();
    else expectTypeOf(r.issues).toEqualTypeOf<readonly DecodeIssue[]>();
    expectTypeOf(encodeRunTimeParameters).returns.toBeString();
  });

  it('notifications narrow on type', () => {
    const r = decodeQENotificationMessage('');
    if (!r.ok) return;
    const n: QENotification | undefined = r.value.notifications[0];
    if (n?.type === 'System-Ping-Request-Notification') expectTypeOf(n).not.toHaveProperty('payload');
    else if (n) expectTypeOf(n.payload.items[0]!.kind).toEqualTypeOf<'question' | 'narrative'>();
  });

  it('registry kinds and report rows are plain unions and interfaces', () => {
    expectTypeOf<MessageKind>().toEqualTypeOf<
      'QE_NT' | 'EQ_NT' | 'RTP' | 'RTPR' | 'QR' | 'QRA' | 'RTPC' | 'REPORT'
    >();
    expectTypeOf(workflowIdFor).parameter(0).toEqualTypeOf<MessageKind>();
    expectTypeOf<ReportRow['status']>().toEqualTypeOf<
      | 'RECEIVED'
      | 'ACCEPTED'
      | 'DECLINED'
      | 'SCHEDULED'
      | 'EXECUTED'
      | 'SENT'
      | 'ACKNOWLEDGED'
      | 'REJECTED'
      | 'FAILED'
      | 'CANCELLED'
      | 'EXPIRED'
    >();
  });
});
