/**
 * fast-check arbitraries for valid messages of every kind (conventions §10: gcanti/io-ts `test/Arbitrary.ts`).
 * Values are canonical: what the decoder returns for what the encoder writes (upper-case UUIDs, whitespace-facet
 * normalised strings). Strings include markup characters, quotes, tabs, newlines and non-ASCII on purpose.
 */
import fc from 'fast-check';
import { hasNonXmlChar } from '../../src/core/encode-writer.js';

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: n, maxLength: n });
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');

export const uuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((p) => p.join('-'));
export const sqi = fc
  .tuple(hex(6), digits(12), fc.constantFrom('R', 'A'))
  .map(([a, b, c]) => `${a}-${b}-${c}`);
export const practiceId = fc.tuple(upper, digits(5)).map(([a, b]) => a + b);
const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
export const dateTime = fc
  .tuple(fc.integer({ min: 1000, max: 3999 }), two(1, 12), two(1, 28), two(0, 23), two(0, 59), two(0, 59))
  .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}`);
export const date = fc
  .tuple(fc.integer({ min: 1000, max: 9999 }), two(1, 12), two(1, 28))
  .map(([y, mo, d]) => `${y}-${mo}-${d}`);
const alnum = fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
export const gpsoc = fc
  .array(fc.string({ unit: alnum, minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 })
  .map((p) => p.join('.'));
export const oid = fc
  .array(fc.integer({ min: 1, max: 999_999 }), { minLength: 1, maxLength: 10 })
  .map((p) => p.join('.'));
export const uc5 = hex(5);

/** Any XML-safe text (markup characters, quotes, whitespace and non-ASCII included). */
export const text = (maxLength = 40) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom('<', '>', '&', '"', "'", '\t', '\n', '\r', ' ', ']]>', 'é', '\u{1F600}', '§'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      maxLength,
    })
    .filter((s) => !hasNonXmlChar(s) && [...s].length <= maxLength);
/** Text without `§` (multi-value items). */
export const itemText = text(20).map((s) => s.replaceAll('§', ''));
/** `xs:normalizedString` after normalisation: no tab, CR or LF. */
export const normalized = (maxLength = 20) => text(maxLength).map((s) => s.replace(/[\t\n\r]/g, ' '));
export const nonNegative = fc.integer({ min: 0, max: 2 ** 40 });

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Removes `undefined` properties, as decoders do. */
export function compactDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export const runTimeParameters = fc
  .record({
    gpesIVersion: normalized(10),
    scheduledQueryInstanceId: sqi,
    rtpUuid: uuid,
    issueDateTime: dateTime,
    rtpReIssue: fc.boolean(),
    queryName: opt(text(255)),
    queryDescription: opt(text(255)),
    domain: fc.oneof(
      fc.constant({ queryDomain: 'Live' as const }),
      fc
        .string({ unit: fc.constantFrom(...'abcXYZ019._-'), minLength: 1, maxLength: 30 })
        .map((testPackId) => ({ queryDomain: 'Test' as const, testPackId })),
    ),
    executionDate: date,
    cutoffDate: date,
    interimDate: opt(date),
    queryPriority: fc.integer({ min: 0, max: 9999 }),
    qrRetentionPeriod: nonNegative,
    gpPracticeCohort: fc.array(fc.record({ practiceId, gpetQSqiAuthenticationSignature: uuid }), {
      minLength: 1,
      maxLength: 4,
    }),
    patientParticipation: fc.record({
      ncrsDetailedCareRecordSharing: fc.boolean(),
      ncrsPatientSealing: fc.boolean(),
      ncrsPdsSFlagging: fc.boolean(),
      exclusionCodeStrings: fc.array(
        fc.record({
          codeSchemeId: oid,
          codeValues: fc.array(
            fc.record({ code: text(20), displayName: opt(text(20)), includeChildren: fc.boolean() }),
            { minLength: 1, maxLength: 3 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
    querySetVariables: opt(
      fc.array(
        fc.record({
          aid: uuid,
          description: opt(text(255)),
          values: fc.array(itemText, { minLength: 1, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    showDescriptions: fc.boolean(),
    dtsReturnAddress: text(40),
  })
  .map(({ domain, ...rest }) => compactDeep({ ...rest, ...domain }));

export const runTimeParametersResponse = fc
  .record({
    gpesIVersion: normalized(10),
    scheduledQueryInstanceId: sqi,
    rtprUuid: uuid,
    rtpUuid: uuid,
    issueDateTime: dateTime,
    queryName: opt(text(255)),
    queryDescription: opt(text(255)),
    gpPracticeCohort: fc.array(
      fc.record({
        practiceId,
        gpetQSqiAuthenticationSignature: uuid,
        gpetESqiAuthenticationSignature: opt(uuid),
        rtpResponseId: uc5,
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(compactDeep);

const markup = fc.constantFrom('text/plain' as const, 'text/HTML' as const);
const formatted = fc.record({ text: text(40), dataFormat: markup });
const order = fc.integer({ min: 0, max: 1000 });
const question = fc.record({
  kind: fc.constant('question' as const),
  notificationQuestionId: normalized(10),
  order,
  questionText: opt(formatted),
  allowedValues: fc.oneof(
    fc.record({
      kind: fc.constant('values' as const),
      values: fc.array(fc.record({ answerId: normalized(10), text: text(20), isDefault: fc.boolean() }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    fc.record({
      kind: fc.constant('free-text' as const),
      answerId: normalized(10),
      maxlength: opt(nonNegative),
    }),
  ),
  questionPostText: opt(formatted),
});
const narrative = fc.record({
  kind: fc.constant('narrative' as const),
  order,
  text: text(40),
  dataFormat: markup,
});

export const qeNotificationMessage = fc
  .record({
    gpesIVersion: normalized(10),
    notifications: fc.array(
      fc.oneof(
        fc.record({
          qeNtUuid: uuid,
          issueDateTime: dateTime,
          type: fc.constantFrom('Stage1-Notification' as const, 'Stage2-Notification' as const),
          eqNtUuid: opt(uuid),
          practiceId,
          scheduledQueryInstanceId: opt(sqi),
          uids: fc.array(digits(12), { maxLength: 3 }),
          payload: fc.record({
            title: fc.record({ text: text(40), dataFormat: markup, order }),
            items: fc.array(fc.oneof(question, narrative), { minLength: 1, maxLength: 4 }),
          }),
        }),
        fc.record({
          qeNtUuid: uuid,
          issueDateTime: dateTime,
          type: fc.constant('System-Ping-Request-Notification' as const),
          eqNtUuid: opt(uuid),
          practiceId,
        }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(compactDeep);

const eqBase = {
  eqNtUuid: uuid,
  issueDateTime: dateTime,
  qeNtUuid: opt(uuid),
  practiceId,
  gpSystemIdentifier: gpsoc,
  terminologyIdentifiers: fc.array(
    fc.record({ codeSchemeId: oid, terminologyName: text(200), terminologyRelease: text(200) }),
    { minLength: 1, maxLength: 2 },
  ),
  scheduledQueryInstanceId: opt(sqi),
};
const dataModelReferenceId = fc
  .tuple(fc.constantFrom('1', '2', '3', '4', ','), fc.integer({ min: 0, max: 99 }))
  .map(([t, n]) => `T${t}A${n}`);

export const eqNotificationMessage = fc
  .record({
    gpesIVersion: normalized(10),
    notifications: fc.array(
      fc.oneof(
        fc.record({
          ...eqBase,
          type: fc.constantFrom(
            'Stage1-Notification-Response' as const,
            'Stage2-Notification-Response' as const,
          ),
          responses: fc.array(
            fc.record({
              notificationQuestionId: normalized(10),
              answerId: normalized(10),
              containsFreeText: fc.boolean(),
              text: text(200),
            }),
            { minLength: 1, maxLength: 3 },
          ),
        }),
        fc.record({
          ...eqBase,
          type: fc.constant('Event-Notification' as const),
          event: fc.record({
            eventCode: uc5,
            eventCodeSupplementaryData: opt(text(2000)),
            eventDescription: opt(text(200)),
          }),
          dataModelAttributeSupport: fc.array(fc.record({ dataModelReferenceId, supported: fc.boolean() }), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(compactDeep);

export const queryResultsAcknowledgement = fc
  .record({
    gpesIVersion: normalized(10),
    qraUuid: uuid,
    qrUuid: uuid,
    scheduledQueryInstanceId: sqi,
    practiceId,
    issueDateTime: dateTime,
    errors: fc.array(fc.record({ code: uc5, title: text(255), description: opt(text(255)) }), {
      maxLength: 3,
    }),
  })
  .map((v) =>
    compactDeep({ ...v, status: v.errors.length > 0 ? ('Rejected' as const) : ('Accepted' as const) }),
  );

export const rtpCancellation = fc
  .record({
    gpesIVersion: normalized(10),
    rtpcUuid: uuid,
    rtpUuid: uuid,
    scheduledQueryInstanceId: sqi,
    issueDateTime: dateTime,
    gpPracticeCohort: opt(fc.array(practiceId, { minLength: 1, maxLength: 3 })),
    reason: text(255),
  })
  .map(compactDeep);

const nonEmpty = (arb: fc.Arbitrary<string>) => arb.filter((s) => s !== '');

export const reportRows = fc.array(
  fc
    .record({
      reportDate: date,
      supplier: nonEmpty(text(200)),
      gpSystemIdentifier: gpsoc,
      practiceId,
      scheduledQueryInstanceId: sqi,
      rtpUuid: uuid,
      status: fc.constantFrom('RECEIVED' as const, 'SENT' as const, 'FAILED' as const, 'EXPIRED' as const),
      statusCode: opt(uc5),
      qrUuid: opt(uuid),
      qrIssueDateTime: opt(dateTime),
      aggregateRecordCount: opt(fc.integer({ min: 0, max: 10 ** 12 })),
      patientRecordCount: opt(fc.integer({ min: 0, max: 10 ** 12 })),
      executionStart: opt(dateTime),
      executionEnd: opt(dateTime),
      detail: opt(nonEmpty(text(200))),
    })
    .map(compactDeep),
  { maxLength: 5 },
);
