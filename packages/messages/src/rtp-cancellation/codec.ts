import { compact, type DecodeXmlOptions, leafText } from '../core/decode-reader.js';
import {
  attrs,
  type EncodeContext,
  type EncodeOptions,
  indexed,
  type OutElement,
} from '../core/encode-writer.js';
import type { DecodeResult } from '../core/issues.js';
import { defineXmlMessage } from '../core/xml-message.js';
import type { RtpCancellation } from './model.js';

const MESSAGE = defineXmlMessage('RTPC', 'RTP cancellation');
const BODY = `/${MESSAGE.root.name}/Cancellation`;

/**
 * Decodes an RTP cancellation (PROPOSED shape). Never throws on bad input.
 * @returns `{ ok: true, value }` or `{ ok: false, issues }`
 */
export function decodeRtpCancellation(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): DecodeResult<RtpCancellation> {
  return MESSAGE.decode(input, options, (root, gpesIVersion) => {
    const body = root.child('Cancellation');
    if (!body) return { gpesIVersion } as RtpCancellation;
    const rtpcUuid = body.attr('RTPC-UUID', 'UUID-Type', true);
    const rtpUuid = body.attr('RTP-UUID', 'UUID-Type', true);
    const scheduledQueryInstanceId = body.attr(
      'Scheduled-Query-Instance-ID',
      'Scheduled-Query-Instance-ID-Type',
      true,
    );
    const issueDateTime = body.attr('Issue-Date-Time', 'Date-Time-Type', true);
    const cohortEl = body.optional('GP-Practice-Cohort');
    let gpPracticeCohort: string[] | undefined;
    if (cohortEl) {
      gpPracticeCohort = cohortEl.many('Practice-ID', 1, Number.POSITIVE_INFINITY).map((p) => {
        const v = p.text('Practice-ID-Type');
        p.end();
        return v as string;
      });
      cohortEl.end();
    }
    const reason = leafText(body.child('Reason'), 'Description-Attribute-Type');
    body.end();
    return compact({
      gpesIVersion,
      rtpcUuid,
      rtpUuid,
      scheduledQueryInstanceId,
      issueDateTime,
      gpPracticeCohort,
      reason,
    }) as RtpCancellation;
  });
}

/**
 * Like {@link decodeRtpCancellation}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeRtpCancellationOrThrow(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): RtpCancellation {
  return MESSAGE.orThrow(decodeRtpCancellation(input, options));
}

/**
 * Encodes an RTP cancellation (PROPOSED shape) in canonical form.
 * @throws MessageDecodeError when `value` breaks the proposed shape
 */
export function encodeRtpCancellation(value: RtpCancellation, options?: EncodeOptions): string {
  return MESSAGE.encode(value, options, writeMessage);
}

/** The root's children; every value checked on `ctx`. */
function writeMessage(ctx: EncodeContext, v: Partial<RtpCancellation>): OutElement[] {
  const children: OutElement[] = [];
  if (v.gpPracticeCohort !== undefined) {
    const list = ctx.atLeastOne(
      v.gpPracticeCohort,
      `${BODY}/GP-Practice-Cohort/Practice-ID`,
      'gpPracticeCohort, when given, needs at least one practice',
    );
    children.push({
      name: 'GP-Practice-Cohort',
      attributes: [],
      children: list.map(
        (p, i): OutElement => ({
          name: 'Practice-ID',
          attributes: [],
          text:
            ctx.value(
              indexed(`${BODY}/GP-Practice-Cohort`, 'Practice-ID', i, list.length),
              'Practice-ID-Type',
              p,
              true,
              'practiceId',
            ) ?? '',
        }),
      ),
    });
  }
  children.push({
    name: 'Reason',
    attributes: [],
    text: ctx.value(`${BODY}/Reason`, 'Description-Attribute-Type', v.reason, true, 'reason') ?? '',
  });
  const body: OutElement = {
    name: 'Cancellation',
    attributes: attrs(
      ctx.attribute(BODY, 'RTPC-UUID', 'UUID-Type', v.rtpcUuid, true, 'rtpcUuid'),
      ctx.attribute(BODY, 'RTP-UUID', 'UUID-Type', v.rtpUuid, true, 'rtpUuid'),
      ctx.attribute(
        BODY,
        'Scheduled-Query-Instance-ID',
        'Scheduled-Query-Instance-ID-Type',
        v.scheduledQueryInstanceId,
        true,
        'scheduledQueryInstanceId',
      ),
      ctx.attribute(BODY, 'Issue-Date-Time', 'Date-Time-Type', v.issueDateTime, true, 'issueDateTime'),
    ),
    children,
  };
  return [body];
}
