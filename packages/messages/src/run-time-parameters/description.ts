import { d } from '../core/describe/builders.js';

/** `GPES-Q-E-RTP-Message` v0.2 (`xsd/GPES-Q-E-RTP.xsd`). */
export const rtpDescription = d.message({
  kind: 'RTP',
  label: 'Run-Time-Parameters',
  proposal: false,
  children: [
    d.flat('Run-Time-Parameters', {
      children: [
        d.flat('Scheduled-Query-Instance-ID', {
          text: ['Scheduled-Query-Instance-ID-Type', 'scheduledQueryInstanceId'],
          attributes: [
            d.uuid('RTP-UUID', 'rtpUuid'),
            d.issueDateTime(),
            d.attr('RTP-ReIssue', 'YesNo-Type', 'rtpReIssue', { required: true, as: 'boolean' }),
            ...d.queryNaming(),
          ],
        }),
        d.flat(
          'Query-Domain',
          {
            text: ['Query-Domain-Type', 'queryDomain'],
            attributes: [d.attr('Test-Pack-ID', 'Test-Pack-ID-Type', 'testPackId')],
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
        d.leaf('Execution-Date', 'xs:date', 'executionDate'),
        d.leaf('Cutoff-Date', 'xs:date', 'cutoffDate'),
        d.leaf('Interim-Date', 'xs:date', 'interimDate', { min: 0 }),
        d.leaf('Query-Priority', 'Query-Priority-Type', 'queryPriority', { as: 'number' }),
        d.leaf('QR-Retention-Period', 'xs:nonNegativeInteger', 'qrRetentionPeriod', { as: 'number' }),
        d.flat('GP-Practice-Cohort', {
          children: [
            d.list('Practice-ID', 'gpPracticeCohort', {
              text: ['Practice-ID-Type', 'practiceId'],
              attributes: [d.uuid('GPET-Q-SQI-Authentication-Signature', 'gpetQSqiAuthenticationSignature')],
            }),
          ],
        }),
        d.object('Patient-Participation', 'patientParticipation', {
          children: [
            d.leaf('NCRS-Detailed-Care-Record-Sharing', 'xs:boolean', 'ncrsDetailedCareRecordSharing', {
              as: 'boolean',
            }),
            d.leaf('NCRS-Patient-Sealing', 'xs:boolean', 'ncrsPatientSealing', { as: 'boolean' }),
            d.leaf('NCRS-PDS-S-Flagging', 'xs:boolean', 'ncrsPdsSFlagging', { as: 'boolean' }),
            d.list(
              'Exclusion-Code-String',
              'exclusionCodeStrings',
              {
                children: [
                  d.leaf('CodeSchemeID', 'Oid-Type', 'codeSchemeId'),
                  d.list('CodeValue', 'codeValues', {
                    children: [
                      d.leaf('Code', 'xs:string', 'code'),
                      d.leaf('DisplayName', 'xs:string', 'displayName', { min: 0 }),
                      d.leaf('IncludeChildren', 'xs:boolean', 'includeChildren', { as: 'boolean' }),
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
              d.list('Substitution-Value', 'querySetVariables', {
                text: ['xs:string', 'values', 'multi'],
                attributes: [
                  d.uuid('AID', 'aid'),
                  d.attr('Description', 'Description-Attribute-Type', 'description'),
                ],
              }),
            ],
          },
          { min: 0 },
        ),
        d.leaf('Show-Descriptions', 'YesNo-Type', 'showDescriptions', { as: 'boolean' }),
        d.leaf('DTS-Return-Address', 'xs:string', 'dtsReturnAddress'),
      ],
    }),
  ],
});
