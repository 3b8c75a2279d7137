/**
 * Synthetic sample messages (no real practice, person or system): the source of the golden `valid-*` fixtures
 * (generate-fixtures.ts writes them; the golden test checks both directions).
 */

import type { QueryResultsAcknowledgement, ReportRow, RtpCancellation } from '../../src/experimental.js';
import type {
  EQNotificationMessage,
  QENotificationMessage,
  RunTimeParameters,
  RunTimeParametersResponse,
} from '../../src/index.js';

const U = (n: number) => `00000000-0000-4000-8000-${n.toString(16).toUpperCase().padStart(12, '0')}`;
const SQI = 'A00151-202003310000-R';

export const samples = {
  'run-time-parameters': {
    minimal: {
      gpesIVersion: '6.0',
      scheduledQueryInstanceId: SQI,
      rtpUuid: U(1),
      issueDateTime: '2020-03-01T09:00:00',
      rtpReIssue: false,
      queryDomain: 'Live',
      executionDate: '2020-04-01',
      cutoffDate: '2020-04-30',
      queryPriority: 0,
      qrRetentionPeriod: 0,
      gpPracticeCohort: [{ practiceId: 'Z99901', gpetQSqiAuthenticationSignature: U(2) }],
      patientParticipation: {
        ncrsDetailedCareRecordSharing: false,
        ncrsPatientSealing: false,
        ncrsPdsSFlagging: true,
        exclusionCodeStrings: [],
      },
      showDescriptions: false,
      dtsReturnAddress: 'gpes.test@example.invalid',
    },
    full: {
      gpesIVersion: '6.0',
      scheduledQueryInstanceId: 'B0F0A1-202103310000-A',
      rtpUuid: U(3),
      issueDateTime: '2021-03-01T23:59:59',
      rtpReIssue: true,
      queryName: 'Synthetic test query <1> & "friends"',
      queryDescription: 'A multi-line\ndescription with a tab\tand ünïcödé',
      queryDomain: 'Test',
      testPackId: 'pack-01.A_b',
      executionDate: '2021-04-01',
      cutoffDate: '2021-04-30',
      interimDate: '2021-04-15',
      queryPriority: 9999,
      qrRetentionPeriod: 90,
      gpPracticeCohort: [
        { practiceId: 'Z99901', gpetQSqiAuthenticationSignature: U(4) },
        { practiceId: 'Z99902', gpetQSqiAuthenticationSignature: U(5) },
      ],
      patientParticipation: {
        ncrsDetailedCareRecordSharing: true,
        ncrsPatientSealing: true,
        ncrsPdsSFlagging: false,
        exclusionCodeStrings: [
          {
            codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
            codeValues: [
              { code: '827241000000103', displayName: 'Type 1 opt-out', includeChildren: false },
              { code: '1000000000001', includeChildren: true },
            ],
          },
        ],
      },
      querySetVariables: [
        { aid: U(6), description: 'Reference date', values: ['2021-03-31'] },
        { aid: U(7), values: ['a', 'b', ''] },
      ],
      showDescriptions: true,
      dtsReturnAddress: 'gpes.test@example.invalid',
    },
  } satisfies Record<string, RunTimeParameters>,
  'run-time-parameters-response': {
    accepted: {
      gpesIVersion: '6.0',
      scheduledQueryInstanceId: SQI,
      rtprUuid: U(10),
      rtpUuid: U(1),
      issueDateTime: '2020-03-01T10:00:00',
      queryName: 'Synthetic test query',
      gpPracticeCohort: [
        {
          practiceId: 'Z99901',
          gpetQSqiAuthenticationSignature: U(2),
          gpetESqiAuthenticationSignature: U(11),
          rtpResponseId: '00000',
        },
        { practiceId: 'Z99902', gpetQSqiAuthenticationSignature: U(12), rtpResponseId: '00001' },
      ],
    },
  } satisfies Record<string, RunTimeParametersResponse>,
  'q-e-notification': {
    stage1: {
      gpesIVersion: '6.0',
      notifications: [
        {
          qeNtUuid: U(20),
          issueDateTime: '2020-02-01T08:30:00',
          type: 'Stage1-Notification',
          practiceId: 'Z99901',
          scheduledQueryInstanceId: SQI,
          uids: ['000000000001', '000000000002'],
          payload: {
            title: { order: 1, dataFormat: 'text/plain', text: 'Synthetic extract: will you take part?' },
            items: [
              {
                kind: 'narrative',
                order: 2,
                dataFormat: 'text/HTML',
                text: '<p>Some <b>HTML</b> narrative</p>',
              },
              {
                kind: 'question',
                notificationQuestionId: 'Q1',
                order: 3,
                questionText: { dataFormat: 'text/plain', text: 'Participate?' },
                allowedValues: {
                  kind: 'values',
                  values: [
                    { answerId: 'A1', text: 'Yes', isDefault: true },
                    { answerId: 'A2', text: 'No', isDefault: false },
                  ],
                },
                questionPostText: { dataFormat: 'text/plain', text: 'Thank you.' },
              },
              {
                kind: 'question',
                notificationQuestionId: 'Q2',
                order: 4,
                allowedValues: { kind: 'free-text', answerId: 'A3', maxlength: 200 },
              },
            ],
          },
        },
      ],
    },
    'stage2-and-ping': {
      gpesIVersion: '6.0',
      notifications: [
        {
          qeNtUuid: U(21),
          issueDateTime: '2020-05-01T08:30:00',
          type: 'Stage2-Notification',
          eqNtUuid: U(22),
          practiceId: 'Z99902',
          uids: [],
          payload: {
            title: { order: 0, dataFormat: 'text/plain', text: 'May results be sent on?' },
            items: [
              {
                kind: 'question',
                notificationQuestionId: 'Q9',
                order: 1,
                allowedValues: { kind: 'free-text', answerId: 'A9' },
              },
            ],
          },
        },
        {
          qeNtUuid: U(23),
          issueDateTime: '2020-05-02T00:00:00',
          type: 'System-Ping-Request-Notification',
          practiceId: 'Z99903',
        },
      ],
    },
  } satisfies Record<string, QENotificationMessage>,
  'e-q-notification': {
    'stage1-response': {
      gpesIVersion: '6.0',
      notifications: [
        {
          eqNtUuid: U(30),
          issueDateTime: '2020-02-02T12:00:00',
          type: 'Stage1-Notification-Response',
          qeNtUuid: U(20),
          practiceId: 'Z99901',
          gpSystemIdentifier: '001.001.483.000',
          terminologyIdentifiers: [
            {
              codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
              terminologyName: 'SNOMED-CT',
              terminologyRelease: '',
            },
          ],
          scheduledQueryInstanceId: SQI,
          responses: [
            { notificationQuestionId: 'Q1', answerId: 'A1', containsFreeText: false, text: '' },
            {
              notificationQuestionId: 'Q2',
              answerId: 'A3',
              containsFreeText: true,
              text: 'Synthetic free text',
            },
          ],
        },
      ],
    },
    event: {
      gpesIVersion: '6.0',
      notifications: [
        {
          eqNtUuid: U(31),
          issueDateTime: '2020-02-03T12:00:00',
          type: 'Event-Notification',
          practiceId: 'Z99901',
          gpSystemIdentifier: 'abc.DEF.123.x9Z',
          terminologyIdentifiers: [
            {
              codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.15',
              terminologyName: 'SNOMED-CT',
              terminologyRelease: '20200401',
            },
            {
              codeSchemeId: '2.16.840.1.113883.2.1.3.2.4.14',
              terminologyName: 'DM+D',
              terminologyRelease: '1',
            },
          ],
          event: {
            eventCode: '0A1F0',
            eventCodeSupplementaryData: 'supplementary',
            eventDescription: 'Synthetic event',
          },
          dataModelAttributeSupport: [
            { dataModelReferenceId: 'T1A1', supported: true },
            { dataModelReferenceId: 'T2A17', supported: false },
          ],
        },
      ],
    },
  } satisfies Record<string, EQNotificationMessage>,
  'query-results-acknowledgement': {
    accepted: {
      gpesIVersion: '6.0',
      qraUuid: U(40),
      qrUuid: U(41),
      scheduledQueryInstanceId: SQI,
      practiceId: 'Z99901',
      issueDateTime: '2020-04-02T09:00:00',
      status: 'Accepted',
      errors: [],
    },
    rejected: {
      gpesIVersion: '6.0',
      qraUuid: U(42),
      qrUuid: U(43),
      scheduledQueryInstanceId: SQI,
      practiceId: 'Z99902',
      issueDateTime: '2020-04-02T09:00:00',
      status: 'Rejected',
      errors: [
        { code: '00101', title: 'XSD Validation Failure', description: 'Element order' },
        { code: '00102', title: 'Uniqueness Check Failure' },
      ],
    },
  } satisfies Record<string, QueryResultsAcknowledgement>,
  'rtp-cancellation': {
    'all-practices': {
      gpesIVersion: '6.0',
      rtpcUuid: U(50),
      rtpUuid: U(1),
      scheduledQueryInstanceId: SQI,
      issueDateTime: '2020-03-05T09:00:00',
      reason: 'Withdrawn by the customer',
    },
    'some-practices': {
      gpesIVersion: '6.0',
      rtpcUuid: U(51),
      rtpUuid: U(1),
      scheduledQueryInstanceId: SQI,
      issueDateTime: '2020-03-05T09:00:00',
      gpPracticeCohort: ['Z99901', 'Z99902'],
      reason: 'Practices merged',
    },
  } satisfies Record<string, RtpCancellation>,
  'report-csv': {
    daily: [
      {
        reportDate: '2020-04-02',
        supplier: 'Synthetic Supplier Ltd',
        gpSystemIdentifier: '001.001.483.000',
        practiceId: 'Z99901',
        scheduledQueryInstanceId: SQI,
        rtpUuid: U(1),
        status: 'ACKNOWLEDGED',
        statusCode: '00000',
        qrUuid: U(41),
        qrIssueDateTime: '2020-04-01T02:00:00',
        aggregateRecordCount: 3,
        patientRecordCount: 120,
        executionStart: '2020-04-01T01:00:00',
        executionEnd: '2020-04-01T01:30:00',
        detail: 'Quoted, "detail"\nover two lines',
      },
      {
        reportDate: '2020-04-02',
        supplier: 'Synthetic Supplier Ltd',
        gpSystemIdentifier: '001.001.483.000',
        practiceId: 'Z99902',
        scheduledQueryInstanceId: SQI,
        rtpUuid: U(1),
        status: 'DECLINED',
      },
    ],
  } satisfies Record<string, ReportRow[]>,
} as const;
