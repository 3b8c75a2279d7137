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
  FormattedText,
  MarkupFormat,
  NotificationNarrative,
  NotificationPayload,
  NotificationQuestion,
  QENotification,
  QENotificationMessage,
} from './model.js';

const MESSAGE = defineXmlMessage('QE_NT', 'Q-E notification');
const TYPES = ['Stage1-Notification', 'Stage2-Notification', 'System-Ping-Request-Notification'] as const;

/**
 * Decodes a GPES → GP notification message (`GPES-Q-E-NT_Message`): Stage 1, Stage 2 or ping. Never throws on bad
 * input. The `Q-E-Notification-Type` element must name the payload element that follows (else `INCONSISTENT`).
 */
export function decodeQENotificationMessage(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): DecodeResult<QENotificationMessage> {
  return MESSAGE.decode(input, options, (root, gpesIVersion) => {
    const notifications = root.many('Q-E-Notification', 1, Number.POSITIVE_INFINITY).map(readNotification);
    return { gpesIVersion, notifications } as QENotificationMessage;
  });
}

/**
 * Like {@link decodeQENotificationMessage}, but throws.
 * @throws MessageDecodeError with every issue
 */
export function decodeQENotificationMessageOrThrow(
  input: string | Uint8Array,
  options?: DecodeXmlOptions,
): QENotificationMessage {
  return MESSAGE.orThrow(decodeQENotificationMessage(input, options));
}

function readNotification(r: ElementReader): QENotification {
  const qeNtUuid = r.attr('Q-E-NT-UUID', 'UUID-Type', true);
  const issueDateTime = r.attr('Issue-Date-Time', 'Date-Time-Type', true);
  const type = leafText(r.child('Q-E-Notification-Type'), 'Q-E-Notification-Type-Type');
  const eqNtUuid = leafText(r.optional('E-Q-NT-UUID'), 'UUID-Type');
  const payloadEl = r.choice(TYPES);
  r.end();
  if (!payloadEl) return { qeNtUuid, issueDateTime } as QENotification;
  if (type !== undefined && payloadEl.el.name !== type) {
    r.ctx.add(
      payloadEl.path,
      'INCONSISTENT',
      'The payload element does not match Q-E-Notification-Type',
      type,
    );
  }
  const practiceId = leafText(payloadEl.child('Practice-ID'), 'Practice-ID-Type');
  if (payloadEl.el.name === 'System-Ping-Request-Notification') {
    payloadEl.end();
    return compact({
      qeNtUuid,
      issueDateTime,
      type: 'System-Ping-Request-Notification',
      eqNtUuid,
      practiceId,
    }) as QENotification;
  }
  const scheduledQueryInstanceId = leafText(
    payloadEl.optional('Scheduled-Query-Identifier-ID'),
    'Scheduled-Query-Instance-ID-Type',
  );
  const uids = payloadEl.many('UID', 0, 1000).map((u) => {
    const v = u.text('UID-Type');
    u.end();
    return v as string;
  });
  const pl = payloadEl.child('Notification-Payload');
  const payload = pl ? readPayload(pl) : undefined;
  payloadEl.end();
  return compact({
    qeNtUuid,
    issueDateTime,
    type: payloadEl.el.name,
    eqNtUuid,
    practiceId,
    scheduledQueryInstanceId,
    uids,
    payload,
  }) as QENotification;
}

function readFormatted(r: ElementReader): FormattedText {
  const text = r.text('xs:string');
  const dataFormat = r.attr('Data-Format', 'Markup-Format-Type', true) as MarkupFormat | undefined;
  return { text, dataFormat } as FormattedText;
}

function readPayload(r: ElementReader): NotificationPayload {
  const titleEl = r.child('Notification-Title');
  let title: NotificationPayload['title'] | undefined;
  if (titleEl) {
    const order = titleEl.numberAttr('Order', 'xs:nonNegativeInteger', true);
    title = { ...readFormatted(titleEl), order } as NotificationPayload['title'];
    titleEl.end();
  }
  const items: (NotificationQuestion | NotificationNarrative)[] = [];
  for (;;) {
    const next = r.peek();
    if (next !== 'Notification-Question' && next !== 'Notification-Narrative') break;
    const el = r.choice(['Notification-Question', 'Notification-Narrative'])!;
    if (next === 'Notification-Narrative') {
      const order = el.numberAttr('Order', 'xs:nonNegativeInteger', true);
      const f = readFormatted(el);
      el.end();
      items.push({
        kind: 'narrative',
        order,
        text: f.text,
        dataFormat: f.dataFormat,
      } as NotificationNarrative);
      continue;
    }
    items.push(readQuestion(el));
  }
  if (items.length === 0) {
    r.ctx.add(
      `${r.path}/Notification-Question`,
      'MISSING_ELEMENT',
      'Notification-Payload needs at least one Notification-Question or Notification-Narrative',
    );
  }
  r.end();
  return { title, items } as NotificationPayload;
}

function readQuestion(el: ElementReader): NotificationQuestion {
  const notificationQuestionId = el.attr('Notification-Question-ID', 'xs:normalizedString', true);
  const order = el.numberAttr('Order', 'xs:nonNegativeInteger', true);
  const qt = el.optional('Question-Text');
  const questionText = qt ? readFormatted(qt) : undefined;
  qt?.end();
  const av = el.child('Allowed-Values');
  let allowedValues: NotificationQuestion['allowedValues'] | undefined;
  if (av) {
    if (av.peek() === 'Free-Text') {
      const ft = av.child('Free-Text')!;
      const answerId = ft.attr('Answer-ID', 'xs:normalizedString', true);
      const maxlength = ft.numberAttr('Maxlength', 'xs:nonNegativeInteger', false);
      const content = ft.text('xs:string');
      if (content !== undefined && content !== '' && content !== 'Y') {
        ft.ctx.add(ft.path, 'INVALID_FIXED', 'Free-Text has the fixed content Y', 'Y', content);
      }
      ft.end();
      allowedValues = compact({
        kind: 'free-text',
        answerId,
        maxlength,
      }) as NotificationQuestion['allowedValues'];
    } else {
      const values = av.many('Value', 1, Number.POSITIVE_INFINITY).map((v) => {
        const text = v.text('xs:string');
        const answerId = v.attr('Answer-ID', 'xs:normalizedString', true);
        const isDefault = v.fixedAttr('Default', 'Y', false);
        v.end();
        return { answerId, text, isDefault } as { answerId: string; text: string; isDefault: boolean };
      });
      allowedValues = { kind: 'values', values };
    }
    av.end();
  }
  const qp = el.optional('Question-Post-Text');
  const questionPostText = qp ? readFormatted(qp) : undefined;
  qp?.end();
  el.end();
  return compact({
    kind: 'question',
    notificationQuestionId,
    order,
    questionText,
    allowedValues,
    questionPostText,
  }) as NotificationQuestion;
}

/**
 * Encodes a GPES → GP notification message in canonical form. The payload element written is the one `type`
 * names.
 * @throws MessageDecodeError when `value` breaks the schema
 */
export function encodeQENotificationMessage(value: QENotificationMessage, options?: EncodeOptions): string {
  return MESSAGE.encode(value, options, writeMessage);
}

/** The root's children; every value checked on `ctx`. */
function writeMessage(ctx: EncodeContext, v: Partial<QENotificationMessage>): OutElement[] {
  const base = `/${MESSAGE.root.name}`;
  const list = ctx.atLeastOne(
    v.notifications,
    `${base}/Q-E-Notification`,
    'notifications needs at least one',
  );
  const children = list.map((n, i) =>
    encodeNotification(ctx, indexed(base, 'Q-E-Notification', i, list.length), n),
  );
  return children;
}

function encodeNotification(ctx: EncodeContext, path: string, n: QENotification): OutElement {
  const children: OutElement[] = [];
  const type = ctx.leaf(
    children,
    path,
    'Q-E-Notification-Type',
    'Q-E-Notification-Type-Type',
    n?.type,
    true,
    'type',
  );
  ctx.leaf(children, path, 'E-Q-NT-UUID', 'UUID-Type', n?.eqNtUuid, false, 'eqNtUuid');
  if (type !== undefined) {
    const pPath = `${path}/${type}`;
    const payloadChildren: OutElement[] = [
      {
        name: 'Practice-ID',
        attributes: [],
        text: ctx.value(`${pPath}/Practice-ID`, 'Practice-ID-Type', n.practiceId, true, 'practiceId') ?? '',
      },
    ];
    if (n.type !== 'System-Ping-Request-Notification') {
      ctx.leaf(
        payloadChildren,
        pPath,
        'Scheduled-Query-Identifier-ID',
        'Scheduled-Query-Instance-ID-Type',
        n.scheduledQueryInstanceId,
        false,
        'scheduledQueryInstanceId',
      );
      const uids = Array.isArray(n.uids) ? n.uids : [];
      if (uids.length > 1000) ctx.add(`${pPath}/UID`, 'TOO_MANY', 'At most 1000 UID elements are allowed');
      uids.forEach((u, j) => {
        const t = ctx.value(indexed(pPath, 'UID', j, uids.length), 'UID-Type', u, true, 'uid');
        payloadChildren.push({ name: 'UID', attributes: [], text: t ?? '' });
      });
      payloadChildren.push(encodePayload(ctx, `${pPath}/Notification-Payload`, n.payload));
    }
    children.push({ name: type, attributes: [], children: payloadChildren });
  }
  return {
    name: 'Q-E-Notification',
    attributes: attrs(
      ctx.attribute(path, 'Q-E-NT-UUID', 'UUID-Type', n?.qeNtUuid, true, 'qeNtUuid'),
      ctx.attribute(path, 'Issue-Date-Time', 'Date-Time-Type', n?.issueDateTime, true, 'issueDateTime'),
    ),
    children,
  };
}

function formatted(
  ctx: EncodeContext,
  path: string,
  name: string,
  f: FormattedText,
  extra: Array<[string, string | undefined]> = [],
): OutElement {
  return {
    name,
    attributes: attrs(
      ...extra,
      ctx.attribute(path, 'Data-Format', 'Markup-Format-Type', f?.dataFormat, true, 'dataFormat'),
    ),
    text: ctx.value(path, 'xs:string', f?.text, true, 'text') ?? '',
  };
}

function encodePayload(ctx: EncodeContext, path: string, p: NotificationPayload | undefined): OutElement {
  if (p === undefined || p === null) {
    ctx.add(path, 'MISSING_ELEMENT', 'payload is required for Stage 1 and Stage 2 notifications');
    return { name: 'Notification-Payload', attributes: [] };
  }
  const items = ctx.atLeastOne(
    p.items,
    `${path}/Notification-Question`,
    'payload.items needs at least one question or narrative',
  );
  const titlePath = `${path}/Notification-Title`;
  const children: OutElement[] = [
    formatted(ctx, titlePath, 'Notification-Title', p.title, [
      ctx.attribute(titlePath, 'Order', 'xs:nonNegativeInteger', p.title?.order, true, 'order'),
    ]),
  ];
  const counts = { 'Notification-Question': 0, 'Notification-Narrative': 0 };
  for (const it of items)
    counts[it?.kind === 'narrative' ? 'Notification-Narrative' : 'Notification-Question']++;
  const seen = { 'Notification-Question': 0, 'Notification-Narrative': 0 };
  for (const it of items) {
    const name = it?.kind === 'narrative' ? 'Notification-Narrative' : 'Notification-Question';
    const itPath = indexed(path, name, seen[name]++, counts[name]);
    if (it?.kind === 'narrative') {
      children.push(
        formatted(ctx, itPath, name, it, [
          ctx.attribute(itPath, 'Order', 'xs:nonNegativeInteger', it.order, true, 'order'),
        ]),
      );
    } else if (it?.kind === 'question') {
      children.push(encodeQuestion(ctx, itPath, it));
    } else {
      ctx.add(itPath, 'INVALID_VALUE', 'An item must have kind "question" or "narrative"');
    }
  }
  return { name: 'Notification-Payload', attributes: [], children };
}

function encodeQuestion(ctx: EncodeContext, path: string, q: NotificationQuestion): OutElement {
  const children: OutElement[] = [];
  if (q.questionText !== undefined)
    children.push(formatted(ctx, `${path}/Question-Text`, 'Question-Text', q.questionText));
  const avPath = `${path}/Allowed-Values`;
  const av = q.allowedValues;
  let avChildren: OutElement[] = [];
  if (av?.kind === 'free-text') {
    const ftPath = `${avPath}/Free-Text`;
    avChildren = [
      {
        name: 'Free-Text',
        attributes: attrs(
          ctx.attribute(ftPath, 'Answer-ID', 'xs:normalizedString', av.answerId, true, 'answerId'),
          ctx.attribute(ftPath, 'Maxlength', 'xs:nonNegativeInteger', av.maxlength, false, 'maxlength'),
        ),
        text: 'Y',
      },
    ];
  } else if (av?.kind === 'values') {
    const values = ctx.atLeastOne(
      av.values,
      `${avPath}/Value`,
      'allowedValues.values needs at least one value',
    );
    avChildren = values.map((val, k) => {
      const vPath = indexed(avPath, 'Value', k, values.length);
      return {
        name: 'Value',
        attributes: attrs(
          ctx.attribute(vPath, 'Answer-ID', 'xs:normalizedString', val?.answerId, true, 'answerId'),
          ['Default', val?.isDefault === true ? 'Y' : undefined],
        ),
        text: ctx.value(vPath, 'xs:string', val?.text, true, 'text') ?? '',
      };
    });
  } else {
    ctx.add(avPath, 'MISSING_ELEMENT', 'allowedValues must be { kind: "values" } or { kind: "free-text" }');
  }
  children.push({ name: 'Allowed-Values', attributes: [], children: avChildren });
  if (q.questionPostText !== undefined) {
    children.push(formatted(ctx, `${path}/Question-Post-Text`, 'Question-Post-Text', q.questionPostText));
  }
  return {
    name: 'Notification-Question',
    attributes: attrs(
      ctx.attribute(
        path,
        'Notification-Question-ID',
        'xs:normalizedString',
        q.notificationQuestionId,
        true,
        'notificationQuestionId',
      ),
      ctx.attribute(path, 'Order', 'xs:nonNegativeInteger', q.order, true, 'order'),
    ),
    children,
  };
}
