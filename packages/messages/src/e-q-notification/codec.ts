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
  DataModelAttributeSupport,
  EQNotification,
  EQNotificationMessage,
  NotificationResponse,
  TerminologyIdentifier,
} from './model.js';

const MESSAGE = defineXmlMessage('EQ_NT', 'E-Q notification');
const TYPES = ['Stage1-Notification-Response', 'Stage2-Notification-Response', 'Event-Notification'] as const;

/**
 * Decodes a GP → GPES notification message (`GPES-E-Q-NT_Message`): Stage 1/2 responses and events. Never throws
 * on bad input. The `E-Q-Notification-Type` element must name the payload element (else `INCONSISTENT`).
 */
export function decodeEQNotificationMessage(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): DecodeResult<EQNotificationMessage> {
  return MESSAGE.decode(input, options, (root, gpesIVersion) => {
    const notifications = root.many('E-Q-Notification', 1, Number.POSITIVE_INFINITY).map(readNotification);
    return { gpesIVersion, notifications } as EQNotificationMessage;
  });
}

/**
 * Like {@link decodeEQNotificationMessage}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeEQNotificationMessageOrThrow(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): EQNotificationMessage {
  return MESSAGE.orThrow(decodeEQNotificationMessage(input, options));
}

function readNotification(r: ElementReader): EQNotification {
  const eqNtUuid = r.attr('E-Q-NT-UUID', 'UUID-Type', true);
  const issueDateTime = r.attr('Issue-Date-Time', 'Date-Time-Type', true);
  const type = leafText(r.child('E-Q-Notification-Type'), 'E-Q-Notification-Type-Type');
  const qeNtUuid = leafText(r.optional('Q-E-NT-UUID'), 'UUID-Type');
  const practiceId = leafText(r.child('Practice-ID'), 'Practice-ID-Type');
  const gpSystemIdentifier = leafText(r.child('GP-System-Identifier'), 'GPSoC-System-Identifier-Type');
  const terminologyIdentifiers = r
    .many('Terminology-Identifiers', 1, Number.POSITIVE_INFINITY)
    .map((t): TerminologyIdentifier => {
      const codeSchemeId = leafText(t.child('CodeSchemeID'), 'Oid-Type');
      const terminologyName = leafText(t.child('Terminology-Name'), 'Common-Identifier-Type');
      const terminologyRelease = leafText(t.child('Terminology-Release'), 'Common-Identifier-Type');
      t.end();
      return { codeSchemeId, terminologyName, terminologyRelease } as TerminologyIdentifier;
    });
  const scheduledQueryInstanceId = leafText(
    r.optional('Scheduled-Query-Identifier-ID'),
    'Scheduled-Query-Instance-ID-Type',
  );
  const payloadEl = r.choice(TYPES);
  r.end();
  const base = {
    eqNtUuid,
    issueDateTime,
    qeNtUuid,
    practiceId,
    gpSystemIdentifier,
    terminologyIdentifiers,
    scheduledQueryInstanceId,
  };
  if (!payloadEl) return compact(base) as unknown as EQNotification;
  if (type !== undefined && payloadEl.el.name !== type) {
    r.ctx.add(
      payloadEl.path,
      'INCONSISTENT',
      'The payload element does not match E-Q-Notification-Type',
      type,
    );
  }
  if (payloadEl.el.name === 'Event-Notification') {
    const ed = payloadEl.child('Event-Data');
    const eventCode = leafText(ed?.child('Event-Code'), 'UC5-Digit-Hexidecimal-Type');
    const eventCodeSupplementaryData = leafText(
      ed?.optional('Event-Code-Supplementary-Data'),
      'Event-Code-Supplementary-Data',
    );
    const eventDescription = leafText(ed?.optional('Event-Description'), 'Event-Description');
    ed?.end();
    const srd = payloadEl.child('System-Reference-Data');
    const dataModelAttributeSupport = (
      srd?.many('Data-Model-Attribute-Support', 1, Number.POSITIVE_INFINITY) ?? []
    ).map((d): DataModelAttributeSupport => {
      const dataModelReferenceId = d.attr('Data-Model-Reference-ID', 'Data-Model-Reference-ID-Type', true);
      const supported = d.booleanText('YesNo-Type');
      d.end();
      return { dataModelReferenceId, supported } as DataModelAttributeSupport;
    });
    srd?.end();
    payloadEl.end();
    return compact({
      ...base,
      type: 'Event-Notification',
      event: compact({ eventCode, eventCodeSupplementaryData, eventDescription }),
      dataModelAttributeSupport,
    }) as EQNotification;
  }
  const responses = payloadEl
    .many('Notification-Response', 1, Number.POSITIVE_INFINITY)
    .map((n): NotificationResponse => {
      const text = n.text('xs:string');
      const notificationQuestionId = n.attr('Notification-Question-ID', 'xs:normalizedString', true);
      const answerId = n.attr('Answer-ID', 'xs:normalizedString', true);
      const containsFreeText = n.yesNoAttr('Contains-Free-Text', true);
      n.end();
      return { notificationQuestionId, answerId, containsFreeText, text } as NotificationResponse;
    });
  payloadEl.end();
  return compact({ ...base, type: payloadEl.el.name, responses }) as EQNotification;
}

/**
 * Encodes a GP → GPES notification message in canonical form.
 * @throws MessageDecodeError when `value` breaks the schema
 */
export function encodeEQNotificationMessage(value: EQNotificationMessage, options?: EncodeOptions): string {
  return MESSAGE.encode(value, options, writeMessage);
}

/** The root's children; every value checked on `ctx`. */
function writeMessage(ctx: EncodeContext, v: Partial<EQNotificationMessage>): OutElement[] {
  const base = `/${MESSAGE.root.name}`;
  const list = ctx.atLeastOne(
    v.notifications,
    `${base}/E-Q-Notification`,
    'notifications needs at least one',
  );
  const children = list.map((n, i) =>
    encodeNotification(ctx, indexed(base, 'E-Q-Notification', i, list.length), n),
  );
  return children;
}

function encodeNotification(ctx: EncodeContext, path: string, n: EQNotification): OutElement {
  const children: OutElement[] = [];
  const type = ctx.leaf(
    children,
    path,
    'E-Q-Notification-Type',
    'E-Q-Notification-Type-Type',
    n?.type,
    true,
    'type',
  );
  ctx.leaf(children, path, 'Q-E-NT-UUID', 'UUID-Type', n?.qeNtUuid, false, 'qeNtUuid');
  ctx.leaf(children, path, 'Practice-ID', 'Practice-ID-Type', n?.practiceId, true, 'practiceId');
  ctx.leaf(
    children,
    path,
    'GP-System-Identifier',
    'GPSoC-System-Identifier-Type',
    n?.gpSystemIdentifier,
    true,
    'gpSystemIdentifier',
  );
  const terms = ctx.atLeastOne(
    n?.terminologyIdentifiers,
    `${path}/Terminology-Identifiers`,
    'terminologyIdentifiers needs at least one',
  );
  terms.forEach((t, i) => {
    const tPath = indexed(path, 'Terminology-Identifiers', i, terms.length);
    children.push({
      name: 'Terminology-Identifiers',
      attributes: [],
      children: [
        {
          name: 'CodeSchemeID',
          attributes: [],
          text: ctx.value(`${tPath}/CodeSchemeID`, 'Oid-Type', t?.codeSchemeId, true, 'codeSchemeId') ?? '',
        },
        {
          name: 'Terminology-Name',
          attributes: [],
          text:
            ctx.value(
              `${tPath}/Terminology-Name`,
              'Common-Identifier-Type',
              t?.terminologyName,
              true,
              'terminologyName',
            ) ?? '',
        },
        {
          name: 'Terminology-Release',
          attributes: [],
          text:
            ctx.value(
              `${tPath}/Terminology-Release`,
              'Common-Identifier-Type',
              t?.terminologyRelease,
              true,
              'terminologyRelease',
            ) ?? '',
        },
      ],
    });
  });
  ctx.leaf(
    children,
    path,
    'Scheduled-Query-Identifier-ID',
    'Scheduled-Query-Instance-ID-Type',
    n?.scheduledQueryInstanceId,
    false,
    'scheduledQueryInstanceId',
  );
  if (type !== undefined) {
    const pPath = `${path}/${type}`;
    if (n.type === 'Event-Notification') {
      const e = n.event;
      const edPath = `${pPath}/Event-Data`;
      const ed: OutElement[] = [];
      ctx.leaf(ed, edPath, 'Event-Code', 'UC5-Digit-Hexidecimal-Type', e?.eventCode, true, 'eventCode');
      ctx.leaf(
        ed,
        edPath,
        'Event-Code-Supplementary-Data',
        'Event-Code-Supplementary-Data',
        e?.eventCodeSupplementaryData,
        false,
        'eventCodeSupplementaryData',
      );
      ctx.leaf(
        ed,
        edPath,
        'Event-Description',
        'Event-Description',
        e?.eventDescription,
        false,
        'eventDescription',
      );
      const srdPath = `${pPath}/System-Reference-Data`;
      const support = ctx.atLeastOne(
        n.dataModelAttributeSupport,
        `${srdPath}/Data-Model-Attribute-Support`,
        'dataModelAttributeSupport needs at least one',
      );
      children.push({
        name: type,
        attributes: [],
        children: [
          { name: 'Event-Data', attributes: [], children: ed },
          {
            name: 'System-Reference-Data',
            attributes: [],
            children: support.map((d, i): OutElement => {
              const dPath = indexed(srdPath, 'Data-Model-Attribute-Support', i, support.length);
              return {
                name: 'Data-Model-Attribute-Support',
                attributes: attrs(
                  ctx.attribute(
                    dPath,
                    'Data-Model-Reference-ID',
                    'Data-Model-Reference-ID-Type',
                    d?.dataModelReferenceId,
                    true,
                    'dataModelReferenceId',
                  ),
                ),
                text: ctx.boolean(dPath, 'YesNo-Type', d?.supported, 'supported'),
              };
            }),
          },
        ],
      });
    } else {
      const responses = ctx.atLeastOne(
        n.responses,
        `${pPath}/Notification-Response`,
        'responses needs at least one',
      );
      children.push({
        name: type,
        attributes: [],
        children: responses.map((r, i): OutElement => {
          const rPath = indexed(pPath, 'Notification-Response', i, responses.length);
          return {
            name: 'Notification-Response',
            attributes: attrs(
              ctx.attribute(
                rPath,
                'Notification-Question-ID',
                'xs:normalizedString',
                r?.notificationQuestionId,
                true,
                'notificationQuestionId',
              ),
              ctx.attribute(rPath, 'Answer-ID', 'xs:normalizedString', r?.answerId, true, 'answerId'),
              [
                'Contains-Free-Text',
                ctx.boolean(
                  `${rPath}/@Contains-Free-Text`,
                  'YesNo-Type',
                  r?.containsFreeText,
                  'containsFreeText',
                ),
              ],
            ),
            text: ctx.value(rPath, 'xs:string', r?.text, true, 'text') ?? '',
          };
        }),
      });
    }
  }
  return {
    name: 'E-Q-Notification',
    attributes: attrs(
      ctx.attribute(path, 'E-Q-NT-UUID', 'UUID-Type', n?.eqNtUuid, true, 'eqNtUuid'),
      ctx.attribute(path, 'Issue-Date-Time', 'Date-Time-Type', n?.issueDateTime, true, 'issueDateTime'),
    ),
    children,
  };
}
