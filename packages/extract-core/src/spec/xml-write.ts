import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { SNOMED_CT_OID } from '../record.js';
import { parseCondition } from './condition/parser.js';
import { printCondition } from './condition/print.js';
import type { FieldDecl, OutputDecl, QuerySpecDocument, RuleDecl } from './model.js';
import { QUERY_SPEC_NAMESPACE } from './model.js';

/** Options of {@link writeSpecXml}. */
export interface WriteSpecXmlOptions {
  /**
   * Write conditions in the canonical ASCII form (no `If`, `!=`, `-`, ISO dates). A condition that does not parse
   * is written as given.
   * @default true
   */
  readonly canonicalConditions?: boolean;
}

type Attrs = Record<string, string>;

function attrs(entries: Record<string, string | number | undefined>): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = String(v);
  return out;
}

/**
 * Writes a specification as XML in the project's namespace (business-rules §3.3), indented, deterministic.
 * `readSpecXml(writeSpecXml(doc))` gives back `doc` (with conditions in canonical form).
 * @param doc the specification.
 */
export function writeSpecXml(doc: QuerySpecDocument, options: WriteSpecXmlOptions = {}): string {
  const canonical = options.canonicalConditions !== false;
  const cond = (text: string): string => {
    if (!canonical) return text;
    const r = parseCondition(text);
    return r.ok ? printCondition(r.condition) : text;
  };
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(
    QUERY_SPEC_NAMESPACE,
    'QuerySpecification',
    attrs({ formatVersion: 1, id: doc.id, name: doc.name, rulesetVersion: doc.rulesetVersion }),
  );
  const el = (parent: XMLBuilder, name: string, a: Attrs = {}): XMLBuilder =>
    parent.ele(QUERY_SPEC_NAMESPACE, name, a);
  // An include made in TypeScript has no file: it is written under its library's id.
  for (const inc of doc.includes ?? []) el(root, 'Include', { href: inc.href ?? inc.library?.id ?? '' });
  if (doc.source) {
    const s = doc.source;
    el(
      root,
      'Source',
      attrs({
        title: s.title,
        publisher: s.publisher,
        version: s.version,
        date: s.date,
        trudVersion: s.trudVersion,
        cqrsService: s.cqrsService,
        url: s.url,
      }),
    );
  }
  if (doc.policies) el(root, 'Policies', attrs({ monthArithmetic: doc.policies.monthArithmetic }));
  const part = el(root, 'Participation', attrs({ type1OptOut: doc.participation.type1OptOut }));
  if (doc.participation.dissentCluster !== undefined)
    el(part, 'DissentCodes', { cluster: doc.participation.dissentCluster });
  if (doc.participation.dissentWithdrawnCluster !== undefined) {
    el(part, 'DissentWithdrawnCodes', { cluster: doc.participation.dissentWithdrawnCluster });
  }
  const params = el(root, 'Parameters');
  for (const p of doc.parameters) {
    const name =
      p.type === 'date' ? 'DateParameter' : p.type === 'number' ? 'NumberParameter' : 'TextParameter';
    const b = p.binding;
    el(
      params,
      name,
      attrs({
        name: p.name,
        ...('value' in b ? { value: b.value } : 'run' in b ? { bind: 'run' } : { bind: 'aid', aid: b.aid }),
      }),
    );
  }
  const clusters = el(root, 'Clusters');
  for (const c of doc.clusters) {
    const ce = el(
      clusters,
      'Cluster',
      attrs({
        name: c.name,
        refset: c.refset,
        version: c.version,
        description: c.description,
        codeSystem: c.codeSystem === SNOMED_CT_OID ? undefined : c.codeSystem,
      }),
    );
    if (c.membersRef && c.members.length === 0)
      el(ce, 'Members', { href: c.membersRef.href, format: c.membersRef.format });
    else for (const m of c.members) el(ce, 'Code', attrs({ code: m.code, term: m.term }));
  }
  const fields = el(root, 'Fields');
  for (const f of doc.fields) writeField(fields, f, el, cond);
  const pops = el(root, 'Populations');
  const rules = (parent: XMLBuilder, list: readonly RuleDecl[]) => {
    for (const r of list) {
      const re = el(parent, 'Rule', { ifTrue: r.ifTrue, ifFalse: r.ifFalse });
      el(re, 'If').txt(cond(r.if));
      if (r.comment !== undefined) el(re, 'Comment').txt(r.comment);
    }
  };
  for (const p of doc.populations) {
    rules(
      el(
        pops,
        'Population',
        attrs({
          name: p.name,
          kind: p.kind,
          appliesTo: p.appliesTo,
          description: p.description,
          version: p.version,
        }),
      ),
      p.rules,
    );
  }
  const outs = el(root, 'Outputs');
  for (const o of doc.outputs) writeOutput(outs, o, el, cond, rules);
  return root.end({ prettyPrint: true, indent: '  ', newline: '\n' });
}

type El = (parent: XMLBuilder, name: string, a?: Attrs) => XMLBuilder;

function writeField(parent: XMLBuilder, f: FieldDecl, el: El, cond: (t: string) => string): void {
  const base = { name: f.name };
  const crit = { criterion: f.criterion };
  let e: XMLBuilder;
  let where: string | undefined;
  switch (f.kind) {
    case 'patientAttribute':
      e = el(parent, 'PatientAttribute', attrs({ ...base, attribute: f.attribute, ...crit }));
      break;
    case 'age':
      e = el(parent, 'Age', attrs({ ...base, at: f.at, ...crit }));
      break;
    case 'registrationDate':
      e = el(parent, 'RegistrationDate', attrs({ ...base, boundary: f.boundary, select: f.select, ...crit }));
      where = f.where;
      break;
    case 'date':
      e = el(
        parent,
        'Date',
        attrs({
          ...base,
          ...('cluster' in f.source ? { cluster: f.source.cluster } : { fromArray: f.source.fromArray }),
          select: f.select,
          ...crit,
        }),
      );
      where = f.where;
      break;
    case 'value':
      e = el(
        parent,
        'Value',
        attrs({ ...base, recordedOn: f.recordedOn, cluster: f.cluster, slot: f.slot, tie: f.tie, ...crit }),
      );
      where = f.where;
      break;
    case 'dateArray':
      e = el(parent, 'DateArray', attrs({ ...base, cluster: f.cluster, ...crit }));
      where = f.where;
      break;
    case 'valueArray':
      e = el(
        parent,
        'ValueArray',
        attrs({
          ...base,
          recordedOnEach: f.recordedOnEach,
          cluster: f.cluster,
          slot: f.slot,
          tie: f.tie,
          ...crit,
        }),
      );
      where = f.where;
      break;
    default:
      e = el(
        parent,
        f.kind === 'latestOf' ? 'LatestOf' : 'EarliestOf',
        attrs({ ...base, of: f.of.join(' '), ...crit }),
      );
  }
  if (where !== undefined) el(e, 'Where').txt(cond(where));
}

function writeOutput(
  parent: XMLBuilder,
  o: OutputDecl,
  el: El,
  cond: (t: string) => string,
  rules: (parent: XMLBuilder, list: readonly RuleDecl[]) => void,
): void {
  switch (o.type) {
    case 'indicator': {
      const common = { id: o.id, kind: o.kind, population: o.population, version: o.version };
      if (o.kind === 'register') {
        el(parent, 'Indicator', attrs({ ...common, aid: o.aid, description: o.description }));
        return;
      }
      const ie = el(parent, 'Indicator', attrs({ ...common, description: o.description }));
      rules(
        el(ie, 'Denominator', attrs({ aid: o.denominator.aid, description: o.denominator.description })),
        o.denominator.rules,
      );
      rules(
        el(ie, 'Numerator', attrs({ aid: o.numerator.aid, description: o.numerator.description })),
        o.numerator.rules,
      );
      return;
    }
    case 'count':
      rules(
        el(
          parent,
          'Count',
          attrs({
            name: o.name,
            kind: o.kind,
            population: o.population,
            aid: o.aid,
            description: o.description,
          }),
        ),
        o.rules,
      );
      return;
    case 'parameterValue':
      el(parent, 'ParameterValue', attrs({ parameter: o.parameter, aid: o.aid, description: o.description }));
      return;
    case 'patientLevelExtract': {
      const pe = el(parent, 'PatientLevelExtract', { name: o.name, population: o.population });
      if (o.patientTable)
        el(pe, 'PatientTable', {
          qid: String(o.patientTable.qid),
          columns: o.patientTable.columns.join(' '),
        });
      for (const t of o.journalsTables) {
        const te = el(pe, 'JournalsTable', { qid: String(t.qid), columns: t.columns.join(' ') });
        for (const inc of t.include) {
          const ie = el(te, 'Include', { cluster: inc.cluster });
          if (inc.where !== undefined) el(ie, 'Where').txt(cond(inc.where));
        }
      }
    }
  }
}
