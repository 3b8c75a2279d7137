import { d, type MessageDescription } from '../core/describe.js';
import type {
  CodeValue,
  ExclusionCodeString,
  PatientParticipation,
  RtpPractice,
  RunTimeParameters,
  SubstitutionValue,
} from './model.js';

type M = RunTimeParameters;
type P = PatientParticipation;

/** `GPES-Q-E-RTP-Message` v0.2 (`xsd/GPES-Q-E-RTP.xsd`). */
export const rtpDescription: MessageDescription = {
  kind: 'RTP',
  label: 'Run-Time-Parameters',
  proposal: false,
  children: [
    d.flat<M>('Run-Time-Parameters', {
      children: [
        d.flat<M>('Scheduled-Query-Instance-ID', {
          text: ['Scheduled-Query-Instance-ID-Type', 'scheduledQueryInstanceId'],
          attributes: [
            d.attr<M>('RTP-UUID', 'UUID-Type', 'rtpUuid', { required: true }),
            d.attr<M>('Issue-Date-Time', 'Date-Time-Type', 'issueDateTime', { required: true }),
            d.attr<M>('RTP-ReIssue', 'YesNo-Type', 'rtpReIssue', { required: true, as: 'boolean' }),
            d.attr<M>('Query-Name', 'Description-Attribute-Type', 'queryName'),
            d.attr<M>('Query-Description', 'Description-Attribute-Type', 'queryDescription'),
          ],
        }),
        d.flat<M>(
          'Query-Domain',
          {
            text: ['Query-Domain-Type', 'queryDomain'],
            attributes: [d.attr<M>('Test-Pack-ID', 'Test-Pack-ID-Type', 'testPackId')],
          },
          {
            rules: [
              {
                at: '@Test-Pack-ID',
                message: 'Query-Domain Test requires a Test-Pack-ID attribute',
                decode: (v, present) =>
                  v.queryDomain !== 'Test' || v.testPackId !== undefined || present('Test-Pack-ID'),
                encode: (v) => v.queryDomain !== 'Test' || v.testPackId !== undefined,
              },
            ],
          },
        ),
        d.leaf<M>('Execution-Date', 'xs:date', 'executionDate'),
        d.leaf<M>('Cutoff-Date', 'xs:date', 'cutoffDate'),
        d.leaf<M>('Interim-Date', 'xs:date', 'interimDate', { min: 0 }),
        d.leaf<M>('Query-Priority', 'Query-Priority-Type', 'queryPriority', { as: 'number' }),
        d.leaf<M>('QR-Retention-Period', 'xs:nonNegativeInteger', 'qrRetentionPeriod', { as: 'number' }),
        d.flat('GP-Practice-Cohort', {
          children: [
            d.list<M, RtpPractice>('Practice-ID', 'gpPracticeCohort', {
              text: ['Practice-ID-Type', 'practiceId'],
              attributes: [
                d.attr<RtpPractice>(
                  'GPET-Q-SQI-Authentication-Signature',
                  'UUID-Type',
                  'gpetQSqiAuthenticationSignature',
                  { required: true },
                ),
              ],
            }),
          ],
        }),
        d.object<M, P>('Patient-Participation', 'patientParticipation', {
          children: [
            d.leaf<P>('NCRS-Detailed-Care-Record-Sharing', 'xs:boolean', 'ncrsDetailedCareRecordSharing', {
              as: 'boolean',
            }),
            d.leaf<P>('NCRS-Patient-Sealing', 'xs:boolean', 'ncrsPatientSealing', { as: 'boolean' }),
            d.leaf<P>('NCRS-PDS-S-Flagging', 'xs:boolean', 'ncrsPdsSFlagging', { as: 'boolean' }),
            d.list<P, ExclusionCodeString>(
              'Exclusion-Code-String',
              'exclusionCodeStrings',
              {
                children: [
                  d.leaf<ExclusionCodeString>('CodeSchemeID', 'Oid-Type', 'codeSchemeId'),
                  d.list<ExclusionCodeString, CodeValue>('CodeValue', 'codeValues', {
                    children: [
                      d.leaf<CodeValue>('Code', 'xs:string', 'code'),
                      d.leaf<CodeValue>('DisplayName', 'xs:string', 'displayName', { min: 0 }),
                      d.leaf<CodeValue>('IncludeChildren', 'xs:boolean', 'includeChildren', {
                        as: 'boolean',
                      }),
                    ],
                  }),
                ],
              },
              { min: 0 },
            ),
          ],
        }),
        d.flat(
          'Query-Set-Variables',
          {
            children: [
              d.list<M, SubstitutionValue>('Substitution-Value', 'querySetVariables', {
                text: ['xs:string', 'values', 'multi'],
                attributes: [
                  d.attr<SubstitutionValue>('AID', 'UUID-Type', 'aid', { required: true }),
                  d.attr<SubstitutionValue>('Description', 'Description-Attribute-Type', 'description'),
                ],
              }),
            ],
          },
          { min: 0 },
        ),
        d.leaf<M>('Show-Descriptions', 'YesNo-Type', 'showDescriptions', { as: 'boolean' }),
        d.leaf<M>('DTS-Return-Address', 'xs:string', 'dtsReturnAddress'),
      ],
    }),
  ],
};
