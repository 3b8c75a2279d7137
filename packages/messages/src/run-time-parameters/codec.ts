import { joinMultiValue, splitMultiValue } from '../core/data-types.js';
import { compact, type DecodeXmlOptions, type ElementReader, leafText } from '../core/decode-reader.js';
import {
  attrs,
  type EncodeContext,
  type EncodeOptions,
  indexed,
  type OutElement,
} from '../core/encode-writer.js';
import type { DecodeResult } from '../core/issues.js';
import { defineXmlMessage } from '../core/xml-message.js';
import type {
  CodeValue,
  ExclusionCodeString,
  PatientParticipation,
  QueryDomain,
  RtpPractice,
  RunTimeParameters,
  SubstitutionValue,
} from './model.js';

const MESSAGE = defineXmlMessage('RTP', 'Run-Time-Parameters');
const RTP = `/${MESSAGE.root.name}/Run-Time-Parameters`;

/**
 * Decodes a Run-Time-Parameters request (`GPES-Q-E-RTP-Message`). Never throws on bad input.
 * @param input the document, as received (bytes) or as text
 * @returns `{ ok: true, value }` or `{ ok: false, issues }` (XPath-like paths; values only with `includeValues`)
 */
export function decodeRunTimeParameters(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): DecodeResult<RunTimeParameters> {
  return MESSAGE.decode(input, options, (root, gpesIVersion) => {
    const body = root.child('Run-Time-Parameters');
    const value = body ? readBody(body) : undefined;
    return { gpesIVersion, ...value } as RunTimeParameters;
  });
}

/**
 * Like {@link decodeRunTimeParameters}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeRunTimeParametersOrThrow(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): RunTimeParameters {
  return MESSAGE.orThrow(decodeRunTimeParameters(input, options));
}

function readBody(r: ElementReader): Omit<RunTimeParameters, 'gpesIVersion'> {
  const sqi = r.child('Scheduled-Query-Instance-ID');
  const scheduledQueryInstanceId = sqi?.text('Scheduled-Query-Instance-ID-Type');
  const rtpUuid = sqi?.attr('RTP-UUID', 'UUID-Type', true);
  const issueDateTime = sqi?.attr('Issue-Date-Time', 'Date-Time-Type', true);
  const rtpReIssue = sqi?.yesNoAttr('RTP-ReIssue', true);
  const queryName = sqi?.attr('Query-Name', 'Description-Attribute-Type');
  const queryDescription = sqi?.attr('Query-Description', 'Description-Attribute-Type');
  sqi?.end();

  const domain = r.child('Query-Domain');
  const queryDomain = domain?.text('Query-Domain-Type') as QueryDomain | undefined;
  const testPackId = domain?.attr('Test-Pack-ID', 'Test-Pack-ID-Type');
  if (
    domain &&
    queryDomain === 'Test' &&
    testPackId === undefined &&
    domain.el.attributes['Test-Pack-ID'] === undefined
  ) {
    r.ctx.add(
      `${domain.path}/@Test-Pack-ID`,
      'INCONSISTENT',
      'Query-Domain Test requires a Test-Pack-ID attribute',
    );
  }
  domain?.end();

  const executionDate = leafText(r.child('Execution-Date'), 'xs:date');
  const cutoffDate = leafText(r.child('Cutoff-Date'), 'xs:date');
  const interimDate = leafText(r.optional('Interim-Date'), 'xs:date');
  const qp = r.child('Query-Priority');
  const queryPriority = qp?.numberText('Query-Priority-Type');
  qp?.end();
  const rp = r.child('QR-Retention-Period');
  const qrRetentionPeriod = rp?.numberText('xs:nonNegativeInteger');
  rp?.end();

  const cohortEl = r.child('GP-Practice-Cohort');
  const gpPracticeCohort: RtpPractice[] = [];
  if (cohortEl) {
    for (const p of cohortEl.many('Practice-ID', 1, Number.POSITIVE_INFINITY)) {
      const practiceId = p.text('Practice-ID-Type');
      const sig = p.attr('GPET-Q-SQI-Authentication-Signature', 'UUID-Type', true);
      p.end();
      gpPracticeCohort.push({ practiceId, gpetQSqiAuthenticationSignature: sig } as RtpPractice);
    }
    cohortEl.end();
  }

  const pp = r.child('Patient-Participation');
  const patientParticipation = pp ? readParticipation(pp) : undefined;

  const qsv = r.optional('Query-Set-Variables');
  let querySetVariables: SubstitutionValue[] | undefined;
  if (qsv) {
    querySetVariables = qsv.many('Substitution-Value', 1, Number.POSITIVE_INFINITY).map((s) => {
      const text = s.text('xs:string');
      const aid = s.attr('AID', 'UUID-Type', true);
      const description = s.attr('Description', 'Description-Attribute-Type');
      s.end();
      return compact({
        aid,
        description,
        values: text === undefined ? [] : splitMultiValue(text),
      } as SubstitutionValue);
    });
    qsv.end();
  }

  const sd = r.child('Show-Descriptions');
  const showDescriptions = sd?.booleanText('YesNo-Type');
  sd?.end();
  const dtsReturnAddress = leafText(r.child('DTS-Return-Address'), 'xs:string');
  r.end();

  return compact({
    scheduledQueryInstanceId,
    rtpUuid,
    issueDateTime,
    rtpReIssue,
    queryName,
    queryDescription,
    queryDomain,
    testPackId,
    executionDate,
    cutoffDate,
    interimDate,
    queryPriority,
    qrRetentionPeriod,
    gpPracticeCohort,
    patientParticipation,
    querySetVariables,
    showDescriptions,
    dtsReturnAddress,
  }) as Omit<RunTimeParameters, 'gpesIVersion'>;
}

function readParticipation(r: ElementReader): PatientParticipation {
  const flag = (name: string): boolean | undefined => {
    const e = r.child(name);
    const v = e?.booleanText('xs:boolean');
    e?.end();
    return v;
  };
  const ncrsDetailedCareRecordSharing = flag('NCRS-Detailed-Care-Record-Sharing');
  const ncrsPatientSealing = flag('NCRS-Patient-Sealing');
  const ncrsPdsSFlagging = flag('NCRS-PDS-S-Flagging');
  const exclusionCodeStrings = r.many('Exclusion-Code-String', 0, Number.POSITIVE_INFINITY).map((e) => {
    const codeSchemeId = leafText(e.child('CodeSchemeID'), 'Oid-Type');
    const codeValues = e.many('CodeValue', 1, Number.POSITIVE_INFINITY).map((cv): CodeValue => {
      const code = leafText(cv.child('Code'), 'xs:string');
      const displayName = leafText(cv.optional('DisplayName'), 'xs:string');
      const inc = cv.child('IncludeChildren');
      const includeChildren = inc?.booleanText('xs:boolean');
      inc?.end();
      cv.end();
      return compact({ code, displayName, includeChildren } as CodeValue);
    });
    e.end();
    return { codeSchemeId, codeValues } as ExclusionCodeString;
  });
  r.end();
  return {
    ncrsDetailedCareRecordSharing,
    ncrsPatientSealing,
    ncrsPdsSFlagging,
    exclusionCodeStrings,
  } as PatientParticipation;
}

/**
 * Encodes a Run-Time-Parameters request in canonical form (UTF-8, LF, two-space indent). UUIDs are written in
 * upper case. Booleans are written `true`/`false` (`xs:boolean`) or `Y`/`N` (`YesNo-Type`).
 * @throws MessageDecodeError when `value` breaks the schema; its issues carry the paths of the elements
 */
export function encodeRunTimeParameters(value: RunTimeParameters, options?: EncodeOptions): string {
  return MESSAGE.encode(value, options, writeMessage);
}

/** The root's children; every value checked on `ctx`. */
function writeMessage(ctx: EncodeContext, v: Partial<RunTimeParameters>): OutElement[] {
  const sqiPath = `${RTP}/Scheduled-Query-Instance-ID`;
  const children: OutElement[] = [];
  children.push({
    name: 'Scheduled-Query-Instance-ID',
    attributes: attrs(
      ctx.attribute(sqiPath, 'RTP-UUID', 'UUID-Type', v.rtpUuid, true, 'rtpUuid'),
      ctx.attribute(sqiPath, 'Issue-Date-Time', 'Date-Time-Type', v.issueDateTime, true, 'issueDateTime'),
      ['RTP-ReIssue', ctx.boolean(`${sqiPath}/@RTP-ReIssue`, 'YesNo-Type', v.rtpReIssue, 'rtpReIssue')],
      ctx.attribute(sqiPath, 'Query-Name', 'Description-Attribute-Type', v.queryName, false, 'queryName'),
      ctx.attribute(
        sqiPath,
        'Query-Description',
        'Description-Attribute-Type',
        v.queryDescription,
        false,
        'queryDescription',
      ),
    ),
    text: ctx.value(
      sqiPath,
      'Scheduled-Query-Instance-ID-Type',
      v.scheduledQueryInstanceId,
      true,
      'scheduledQueryInstanceId',
    ),
  });
  const domain = ctx.value(`${RTP}/Query-Domain`, 'Query-Domain-Type', v.queryDomain, true, 'queryDomain');
  const testPackId = ctx.value(
    `${RTP}/Query-Domain/@Test-Pack-ID`,
    'Test-Pack-ID-Type',
    v.testPackId,
    false,
    'testPackId',
  );
  if (domain === 'Test' && testPackId === undefined && v.testPackId === undefined) {
    ctx.add(
      `${RTP}/Query-Domain/@Test-Pack-ID`,
      'INCONSISTENT',
      'Query-Domain Test requires a Test-Pack-ID attribute',
    );
  }
  children.push({ name: 'Query-Domain', attributes: attrs(['Test-Pack-ID', testPackId]), text: domain });
  ctx.leaf(children, RTP, 'Execution-Date', 'xs:date', v.executionDate, true, 'executionDate');
  ctx.leaf(children, RTP, 'Cutoff-Date', 'xs:date', v.cutoffDate, true, 'cutoffDate');
  ctx.leaf(children, RTP, 'Interim-Date', 'xs:date', v.interimDate, false, 'interimDate');
  ctx.leaf(children, RTP, 'Query-Priority', 'Query-Priority-Type', v.queryPriority, true, 'queryPriority');
  ctx.leaf(
    children,
    RTP,
    'QR-Retention-Period',
    'xs:nonNegativeInteger',
    v.qrRetentionPeriod,
    true,
    'qrRetentionPeriod',
  );

  const cohort = ctx.atLeastOne(
    v.gpPracticeCohort,
    `${RTP}/GP-Practice-Cohort/Practice-ID`,
    'gpPracticeCohort needs at least one practice',
  );
  children.push({
    name: 'GP-Practice-Cohort',
    attributes: [],
    children: cohort.map((p, i) => {
      const path = indexed(`${RTP}/GP-Practice-Cohort`, 'Practice-ID', i, cohort.length);
      return {
        name: 'Practice-ID',
        attributes: attrs(
          ctx.attribute(
            path,
            'GPET-Q-SQI-Authentication-Signature',
            'UUID-Type',
            p?.gpetQSqiAuthenticationSignature,
            true,
            'gpetQSqiAuthenticationSignature',
          ),
        ),
        text: ctx.value(path, 'Practice-ID-Type', p?.practiceId, true, 'practiceId'),
      };
    }),
  });
  children.push(encodeParticipation(ctx, v.patientParticipation));

  if (v.querySetVariables !== undefined) {
    const list = ctx.atLeastOne(
      v.querySetVariables,
      `${RTP}/Query-Set-Variables/Substitution-Value`,
      'querySetVariables, when given, needs at least one value',
    );
    children.push({
      name: 'Query-Set-Variables',
      attributes: [],
      children: list.map((s, i) => {
        const path = indexed(`${RTP}/Query-Set-Variables`, 'Substitution-Value', i, list.length);
        const values = Array.isArray(s?.values) ? s.values : [];
        let text = values.length === 0 ? undefined : joinMultiValue(values);
        if (values.length === 0) ctx.add(path, 'MISSING_ELEMENT', 'values needs at least one value');
        else if (text === undefined)
          ctx.add(path, 'INVALID_VALUE', 'A substitution value contains the § delimiter');
        else text = ctx.value(path, 'xs:string', text, true, 'values');
        return {
          name: 'Substitution-Value',
          attributes: attrs(
            ctx.attribute(path, 'AID', 'UUID-Type', s?.aid, true, 'aid'),
            ctx.attribute(
              path,
              'Description',
              'Description-Attribute-Type',
              s?.description,
              false,
              'description',
            ),
          ),
          text: text ?? '',
        };
      }),
    });
  }
  children.push({
    name: 'Show-Descriptions',
    attributes: [],
    text: ctx.boolean(`${RTP}/Show-Descriptions`, 'YesNo-Type', v.showDescriptions, 'showDescriptions') ?? '',
  });
  ctx.leaf(children, RTP, 'DTS-Return-Address', 'xs:string', v.dtsReturnAddress, true, 'dtsReturnAddress');

  return [{ name: 'Run-Time-Parameters', attributes: [], children }];
}

function encodeParticipation(ctx: EncodeContext, pp: PatientParticipation | undefined): OutElement {
  const base = `${RTP}/Patient-Participation`;
  if (pp === undefined || pp === null) {
    ctx.add(base, 'MISSING_ELEMENT', 'patientParticipation is required');
    return { name: 'Patient-Participation', attributes: [] };
  }
  const list = Array.isArray(pp.exclusionCodeStrings) ? pp.exclusionCodeStrings : [];
  return {
    name: 'Patient-Participation',
    attributes: [],
    children: [
      {
        name: 'NCRS-Detailed-Care-Record-Sharing',
        attributes: [],
        text: ctx.boolean(
          `${base}/NCRS-Detailed-Care-Record-Sharing`,
          'xs:boolean',
          pp.ncrsDetailedCareRecordSharing,
          'ncrsDetailedCareRecordSharing',
        ),
      },
      {
        name: 'NCRS-Patient-Sealing',
        attributes: [],
        text: ctx.boolean(
          `${base}/NCRS-Patient-Sealing`,
          'xs:boolean',
          pp.ncrsPatientSealing,
          'ncrsPatientSealing',
        ),
      },
      {
        name: 'NCRS-PDS-S-Flagging',
        attributes: [],
        text: ctx.boolean(
          `${base}/NCRS-PDS-S-Flagging`,
          'xs:boolean',
          pp.ncrsPdsSFlagging,
          'ncrsPdsSFlagging',
        ),
      },
      ...list.map((e, i): OutElement => {
        const path = indexed(base, 'Exclusion-Code-String', i, list.length);
        const cvs: readonly CodeValue[] = ctx.atLeastOne(
          e?.codeValues,
          `${path}/CodeValue`,
          'codeValues needs at least one code',
        );
        return {
          name: 'Exclusion-Code-String',
          attributes: [],
          children: [
            {
              name: 'CodeSchemeID',
              attributes: [],
              text:
                ctx.value(`${path}/CodeSchemeID`, 'Oid-Type', e?.codeSchemeId, true, 'codeSchemeId') ?? '',
            },
            ...cvs.map((cv, j): OutElement => {
              const cvPath = indexed(path, 'CodeValue', j, cvs.length);
              const display = ctx.value(
                `${cvPath}/DisplayName`,
                'xs:string',
                cv?.displayName,
                false,
                'displayName',
              );
              return {
                name: 'CodeValue',
                attributes: [],
                children: [
                  {
                    name: 'Code',
                    attributes: [],
                    text: ctx.value(`${cvPath}/Code`, 'xs:string', cv?.code, true, 'code') ?? '',
                  },
                  ...(display === undefined ? [] : [{ name: 'DisplayName', attributes: [], text: display }]),
                  {
                    name: 'IncludeChildren',
                    attributes: [],
                    text: ctx.boolean(
                      `${cvPath}/IncludeChildren`,
                      'xs:boolean',
                      cv?.includeChildren,
                      'includeChildren',
                    ),
                  },
                ],
              };
            }),
          ],
        };
      }),
    ],
  };
}
