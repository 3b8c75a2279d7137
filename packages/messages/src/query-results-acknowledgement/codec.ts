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
import type { QueryResultsAcknowledgement, QueryResultsAcknowledgementError } from './model.js';

const MESSAGE = defineXmlMessage('QRA', 'Query Results acknowledgement');
const BODY = `/${MESSAGE.root.name}/Query-Results-Acknowledgement`;
const STATUSES = ['Accepted', 'Rejected'] as const;

/**
 * Decodes a Query Results acknowledgement (PROPOSED shape). Never throws on bad input.
 * @returns `{ ok: true, value }` or `{ ok: false, issues }`
 */
export function decodeQueryResultsAcknowledgement(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): DecodeResult<QueryResultsAcknowledgement> {
  return MESSAGE.decode(input, options, (root, gpesIVersion) => {
    const body = root.child('Query-Results-Acknowledgement');
    if (!body) return { gpesIVersion } as QueryResultsAcknowledgement;
    const qraUuid = body.attr('QRA-UUID', 'UUID-Type', true);
    const qrUuid = body.attr('QR-UUID', 'UUID-Type', true);
    const scheduledQueryInstanceId = body.attr(
      'Scheduled-Query-Instance-ID',
      'Scheduled-Query-Instance-ID-Type',
      true,
    );
    const practiceId = body.attr('Practice-ID', 'Practice-ID-Type', true);
    const issueDateTime = body.attr('Issue-Date-Time', 'Date-Time-Type', true);
    const rawStatus = body.attr('Status', 'xs:string', true);
    let status: QueryResultsAcknowledgement['status'] | undefined;
    if (rawStatus !== undefined) {
      if ((STATUSES as readonly string[]).includes(rawStatus)) status = rawStatus as 'Accepted' | 'Rejected';
      else
        body.ctx.add(
          `${body.path}/@Status`,
          'INVALID_ENUM',
          'Attribute Status is not valid',
          'one of Accepted, Rejected',
          rawStatus,
        );
    }
    const errors = body.many('Error', 0, Number.POSITIVE_INFINITY).map((e) => {
      const code = e.attr('Code', 'UC5-Digit-Hexidecimal-Type', true);
      const title = e.attr('Title', 'Description-Attribute-Type', true);
      const description = e.attr('Description', 'Description-Attribute-Type');
      e.text('xs:string');
      if (e.el.text.trim() !== '')
        e.ctx.add(e.path, 'UNEXPECTED_TEXT', 'Error carries its data in attributes only');
      e.end();
      return compact({ code, title, description }) as QueryResultsAcknowledgementError;
    });
    if (status === 'Rejected' && errors.length === 0) {
      body.ctx.add(
        `${body.path}/Error`,
        'INCONSISTENT',
        'A Rejected acknowledgement needs at least one Error',
      );
    }
    if (status === 'Accepted' && errors.length > 0) {
      body.ctx.add(`${body.path}/Error`, 'INCONSISTENT', 'An Accepted acknowledgement carries no Error');
    }
    body.end();
    return {
      gpesIVersion,
      qraUuid,
      qrUuid,
      scheduledQueryInstanceId,
      practiceId,
      issueDateTime,
      status,
      errors,
    } as QueryResultsAcknowledgement;
  });
}

/**
 * Like {@link decodeQueryResultsAcknowledgement}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeQueryResultsAcknowledgementOrThrow(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): QueryResultsAcknowledgement {
  return MESSAGE.orThrow(decodeQueryResultsAcknowledgement(input, options));
}

/**
 * Encodes a Query Results acknowledgement (PROPOSED shape) in canonical form.
 * @throws MessageDecodeError when `value` breaks the proposed shape
 */
export function encodeQueryResultsAcknowledgement(
  value: QueryResultsAcknowledgement,
  options?: EncodeOptions,
): string {
  return MESSAGE.encode(value, options, writeMessage);
}

/** The root's children; every value checked on `ctx`. */
function writeMessage(ctx: EncodeContext, v: Partial<QueryResultsAcknowledgement>): OutElement[] {
  const errors = Array.isArray(v.errors) ? v.errors : [];
  let status: string | undefined;
  if (v.status === 'Accepted' || v.status === 'Rejected') status = v.status;
  else
    ctx.add(
      `${BODY}/@Status`,
      v.status === undefined ? 'MISSING_ATTRIBUTE' : 'INVALID_ENUM',
      'status must be Accepted or Rejected',
      'one of Accepted, Rejected',
    );
  if (status === 'Rejected' && errors.length === 0)
    ctx.add(`${BODY}/Error`, 'INCONSISTENT', 'A Rejected acknowledgement needs at least one Error');
  if (status === 'Accepted' && errors.length > 0)
    ctx.add(`${BODY}/Error`, 'INCONSISTENT', 'An Accepted acknowledgement carries no Error');
  const body: OutElement = {
    name: 'Query-Results-Acknowledgement',
    attributes: attrs(
      ctx.attribute(BODY, 'QRA-UUID', 'UUID-Type', v.qraUuid, true, 'qraUuid'),
      ctx.attribute(BODY, 'QR-UUID', 'UUID-Type', v.qrUuid, true, 'qrUuid'),
      ctx.attribute(
        BODY,
        'Scheduled-Query-Instance-ID',
        'Scheduled-Query-Instance-ID-Type',
        v.scheduledQueryInstanceId,
        true,
        'scheduledQueryInstanceId',
      ),
      ctx.attribute(BODY, 'Practice-ID', 'Practice-ID-Type', v.practiceId, true, 'practiceId'),
      ctx.attribute(BODY, 'Issue-Date-Time', 'Date-Time-Type', v.issueDateTime, true, 'issueDateTime'),
      ['Status', status],
    ),
    children: errors.map((e, i): OutElement => {
      const path = indexed(BODY, 'Error', i, errors.length);
      return {
        name: 'Error',
        attributes: attrs(
          ctx.attribute(path, 'Code', 'UC5-Digit-Hexidecimal-Type', e?.code, true, 'code'),
          ctx.attribute(path, 'Title', 'Description-Attribute-Type', e?.title, true, 'title'),
          ctx.attribute(
            path,
            'Description',
            'Description-Attribute-Type',
            e?.description,
            false,
            'description',
          ),
        ),
      };
    }),
  };
  return [body];
}
