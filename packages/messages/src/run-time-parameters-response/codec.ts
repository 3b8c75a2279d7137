import { compact, type DecodeXmlOptions } from '../core/decode-reader.js';
import {
  attrs,
  type EncodeContext,
  type EncodeOptions,
  indexed,
  type OutElement,
} from '../core/encode-writer.js';
import type { DecodeResult } from '../core/issues.js';
import { defineXmlMessage } from '../core/xml-message.js';
import type { RtprPractice, RunTimeParametersResponse } from './model.js';

const MESSAGE = defineXmlMessage('RTPR', 'RTP Response');
const BODY = `/${MESSAGE.root.name}/Run-Time-Parameters-Response`;

/**
 * Decodes an RTP Response (`GPES-E-Q-RTPR-Message`). Never throws on bad input.
 * @returns `{ ok: true, value }` or `{ ok: false, issues }`
 */
export function decodeRunTimeParametersResponse(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): DecodeResult<RunTimeParametersResponse> {
  return MESSAGE.decode(input, options, (root, gpesIVersion) => {
    const body = root.child('Run-Time-Parameters-Response');
    if (!body) return { gpesIVersion } as RunTimeParametersResponse;
    const sqi = body.child('Scheduled-Query-Instance-ID');
    const scheduledQueryInstanceId = sqi?.text('Scheduled-Query-Instance-ID-Type');
    const rtprUuid = sqi?.attr('RTPR-UUID', 'UUID-Type', true);
    const rtpUuid = sqi?.attr('RTP-UUID', 'UUID-Type', true);
    const issueDateTime = sqi?.attr('Issue-Date-Time', 'Date-Time-Type', true);
    const queryName = sqi?.attr('Query-Name', 'Description-Attribute-Type');
    const queryDescription = sqi?.attr('Query-Description', 'Description-Attribute-Type');
    sqi?.end();
    const cohort = body.child('GP-Practice-Cohort');
    const gpPracticeCohort: RtprPractice[] = [];
    if (cohort) {
      for (const p of cohort.many('Practice-ID', 1, Number.POSITIVE_INFINITY)) {
        const practiceId = p.text('Practice-ID-Type');
        const q = p.attr('GPET-Q-SQI-Authentication-Signature', 'UUID-Type', true);
        const e = p.attr('GPET-E-SQI-Authentication-Signature', 'UUID-Type');
        const rtpResponseId = p.attr('RTP-Response-ID', 'UC5-Digit-Hexidecimal-Type', true);
        p.end();
        gpPracticeCohort.push(
          compact({
            practiceId,
            gpetQSqiAuthenticationSignature: q,
            gpetESqiAuthenticationSignature: e,
            rtpResponseId,
          }) as RtprPractice,
        );
      }
      cohort.end();
    }
    body.end();
    return compact({
      gpesIVersion,
      scheduledQueryInstanceId,
      rtprUuid,
      rtpUuid,
      issueDateTime,
      queryName,
      queryDescription,
      gpPracticeCohort,
    }) as RunTimeParametersResponse;
  });
}

/**
 * Like {@link decodeRunTimeParametersResponse}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeRunTimeParametersResponseOrThrow(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): RunTimeParametersResponse {
  return MESSAGE.orThrow(decodeRunTimeParametersResponse(input, options));
}

/**
 * Encodes an RTP Response in canonical form. UUIDs are written upper case.
 * @throws MessageDecodeError when `value` breaks the schema
 */
export function encodeRunTimeParametersResponse(
  value: RunTimeParametersResponse,
  options?: EncodeOptions,
): string {
  return MESSAGE.encode(value, options, writeMessage);
}

/** The root's children; every value checked on `ctx`. */
function writeMessage(ctx: EncodeContext, v: Partial<RunTimeParametersResponse>): OutElement[] {
  const sqiPath = `${BODY}/Scheduled-Query-Instance-ID`;
  const cohort = ctx.atLeastOne(
    v.gpPracticeCohort,
    `${BODY}/GP-Practice-Cohort/Practice-ID`,
    'gpPracticeCohort needs at least one practice',
  );
  const children: OutElement[] = [
    {
      name: 'Scheduled-Query-Instance-ID',
      attributes: attrs(
        ctx.attribute(sqiPath, 'RTPR-UUID', 'UUID-Type', v.rtprUuid, true, 'rtprUuid'),
        ctx.attribute(sqiPath, 'RTP-UUID', 'UUID-Type', v.rtpUuid, true, 'rtpUuid'),
        ctx.attribute(sqiPath, 'Issue-Date-Time', 'Date-Time-Type', v.issueDateTime, true, 'issueDateTime'),
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
    },
    {
      name: 'GP-Practice-Cohort',
      attributes: [],
      children: cohort.map((p, i): OutElement => {
        const path = indexed(`${BODY}/GP-Practice-Cohort`, 'Practice-ID', i, cohort.length);
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
            ctx.attribute(
              path,
              'GPET-E-SQI-Authentication-Signature',
              'UUID-Type',
              p?.gpetESqiAuthenticationSignature,
              false,
              'gpetESqiAuthenticationSignature',
            ),
            ctx.attribute(
              path,
              'RTP-Response-ID',
              'UC5-Digit-Hexidecimal-Type',
              p?.rtpResponseId,
              true,
              'rtpResponseId',
            ),
          ),
          text: ctx.value(path, 'Practice-ID-Type', p?.practiceId, true, 'practiceId'),
        };
      }),
    },
  ];
  return [{ name: 'Run-Time-Parameters-Response', attributes: [], children }];
}
