import type { SpecIssue } from '../errors.js';
import { SNOMED_CT_OID } from '../record.js';
import type {
  Action,
  ClusterDecl,
  FieldDecl,
  IncludeDecl,
  JournalsTableDecl,
  OutputDecl,
  ParameterDecl,
  PopulationDecl,
  QueryLibraryDocument,
  QuerySpecDocument,
  RuleDecl,
} from './model.js';
import { QUERY_SPEC_NAMESPACE } from './model.js';
import { parseXmlTree, type XmlElement } from './xml-tree.js';

/** Result of {@link readSpecXml}. */
export type ReadSpecXmlResult =
  | { readonly ok: true; readonly value: QuerySpecDocument }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };

const ROOT = '/QuerySpecification';
/** The top-level sections, in the one order the format allows. */
const TOP_ORDER: readonly string[] = [
  'Include',
  'Source',
  'Policies',
  'Participation',
  'Parameters',
  'Clusters',
  'Fields',
  'Populations',
  'Outputs',
];

class Reader {
  readonly issues: SpecIssue[] = [];

  bad(path: string, message: string): void {
    this.issues.push({ code: 'INVALID_STRUCTURE', severity: 'error', path, message });
  }

  /** Children in the spec namespace; anything else is reported. */
  kids(el: XmlElement, path: string, allowed: readonly string[]): XmlElement[] {
    const out: XmlElement[] = [];
    for (const c of el.children) {
      if (c.ns !== QUERY_SPEC_NAMESPACE)
        this.bad(`${path}/${c.name}`, `element '${c.name}' is not in ${QUERY_SPEC_NAMESPACE}`);
      else if (!allowed.includes(c.name))
        this.bad(
          `${path}/${c.name}`,
          allowed.length === 0
            ? `element '${c.name}' is not allowed: ${el.name} has no child elements`
            : `element '${c.name}' is not allowed in ${el.name}; allowed here: ${allowed.join(', ')}`,
        );
      else out.push(c);
    }
    return out;
  }

  one(el: XmlElement, path: string, name: string): XmlElement | undefined {
    const found = el.children.filter((c) => c.name === name && c.ns === QUERY_SPEC_NAMESPACE);
    if (found.length > 1) this.bad(`${path}/${name}`, `at most one ${name} is allowed`);
    return found[0];
  }

  need(el: XmlElement, path: string, name: string): string {
    const v = el.attrs[name];
    if (v === undefined || v === '') {
      this.bad(`${path}/@${name}`, `${el.name} needs the attribute '${name}'`);
      return '';
    }
    return v;
  }

  oneOf<T extends string>(el: XmlElement, path: string, name: string, values: readonly T[], dflt?: T): T {
    const v = el.attrs[name];
    if (v === undefined && dflt !== undefined) return dflt;
    if (v === undefined || !values.includes(v as T)) {
      this.bad(
        `${path}/@${name}`,
        `${el.name}/@${name} must be one of ${values.join(', ')}${v === undefined ? ' (it is missing)' : `, not '${v}'`}`,
      );
      return (dflt ?? values[0]) as T;
    }
    return v as T;
  }

  condition(el: XmlElement | undefined): string | undefined {
    return el === undefined ? undefined : el.text.trim();
  }
}

const opt = <K extends string>(key: K, v: string | undefined): { [P in K]?: string } =>
  (v === undefined ? {} : { [key]: v }) as { [P in K]?: string };

/** The definition sections a specification and a library share, read under `base`. */
function readDefinitions(r: Reader, get: (name: string) => XmlElement | undefined, at: string) {
  const parameters: ParameterDecl[] = [];
  const paramsEl = get('Parameters');
  if (paramsEl) {
    const types = { DateParameter: 'date', NumberParameter: 'number', TextParameter: 'text' } as const;
    for (const p of r.kids(paramsEl, `${at}/Parameters`, Object.keys(types))) {
      const path = `${at}/Parameters/${p.name}[@name="${p.attrs.name ?? ''}"]`;
      const name = r.need(p, path, 'name');
      const bind = p.attrs.bind;
      const value = p.attrs.value;
      const count = (value !== undefined ? 1 : 0) + (bind !== undefined ? 1 : 0);
      let binding: ParameterDecl['binding'];
      if (count !== 1)
        binding = {} as ParameterDecl['binding']; // reported by compileSpec (BAD_PARAMETER_BINDING)
      else if (value !== undefined) binding = { value };
      else if (bind === 'run') binding = { run: true };
      else if (bind === 'aid') binding = { aid: p.attrs.aid ?? '' };
      else {
        r.bad(`${path}/@bind`, 'bind must be "run" or "aid"');
        binding = { run: true };
      }
      parameters.push({ name, type: types[p.name as keyof typeof types], binding });
    }
  }

  const clusters: ClusterDecl[] = [];
  const clustersEl = get('Clusters');
  if (clustersEl) {
    for (const c of r.kids(clustersEl, `${at}/Clusters`, ['Cluster'])) {
      const path = `${at}/Clusters/Cluster[@name="${c.attrs.name ?? ''}"]`;
      const kids = r.kids(c, path, ['Code', 'Members']);
      const codes = kids.filter((k) => k.name === 'Code');
      const members = kids.filter((k) => k.name === 'Members');
      if (members.length > 1 || (members.length === 1 && codes.length > 0)) {
        r.bad(path, 'a Cluster has Code elements or one Members element, not both');
      }
      const m = members[0];
      let membersRef: ClusterDecl['membersRef'];
      if (m) {
        if ((m.attrs.format ?? 'csv') !== 'csv') r.bad(`${path}/Members/@format`, 'format must be "csv"');
        membersRef = { href: r.need(m, `${path}/Members`, 'href'), format: 'csv' };
      }
      clusters.push({
        name: r.need(c, path, 'name'),
        ...opt('refset', c.attrs.refset),
        ...opt('version', c.attrs.version),
        ...opt('description', c.attrs.description),
        codeSystem: c.attrs.codeSystem ?? SNOMED_CT_OID,
        members: codes.map((k, i) => ({
          code: r.need(k, `${path}/Code[${i + 1}]`, 'code'),
          ...opt('term', k.attrs.term),
        })),
        ...(membersRef ? { membersRef } : {}),
      });
    }
  }

  const fields: FieldDecl[] = [];
  const fieldsEl = get('Fields');
  if (fieldsEl) {
    const kinds = [
      'PatientAttribute',
      'Age',
      'RegistrationDate',
      'Date',
      'Value',
      'DateArray',
      'ValueArray',
      'LatestOf',
      'EarliestOf',
    ];
    for (const f of r.kids(fieldsEl, `${at}/Fields`, kinds)) {
      const path = `${at}/Fields/${f.name}[@name="${f.attrs.name ?? ''}"]`;
      const name = r.need(f, path, 'name');
      const base = { name, ...opt('criterion', f.attrs.criterion) };
      const whereKids = r.kids(
        f,
        path,
        f.name === 'PatientAttribute' || f.name === 'Age' || f.name === 'LatestOf' || f.name === 'EarliestOf'
          ? []
          : ['Where'],
      );
      if (whereKids.length > 1) r.bad(`${path}/Where`, 'at most one Where');
      const where = opt('where', r.condition(whereKids[0]));
      const select = () => r.oneOf(f, path, 'select', ['latest', 'earliest'] as const);
      const slot = () => r.oneOf(f, path, 'slot', ['value1', 'value2'] as const, 'value1');
      const tie = () => f.attrs.tie as 'min'; // validated (MISSING_TIE_POLICY) by compileSpec
      switch (f.name) {
        case 'PatientAttribute':
          fields.push({
            ...base,
            kind: 'patientAttribute',
            attribute: r.oneOf(f, path, 'attribute', [
              'patientId',
              'nhsNumber',
              'dateOfBirth',
              'dateOfDeath',
              'sex',
              'postcode',
            ] as const),
          });
          break;
        case 'Age':
          fields.push({ ...base, kind: 'age', at: r.need(f, path, 'at') });
          break;
        case 'RegistrationDate':
          fields.push({
            ...base,
            kind: 'registrationDate',
            boundary: r.oneOf(f, path, 'boundary', ['start', 'end'] as const),
            select: select(),
            ...where,
          });
          break;
        case 'Date': {
          const cluster = f.attrs.cluster;
          const fromArray = f.attrs.fromArray;
          if ((cluster === undefined) === (fromArray === undefined))
            r.bad(path, 'a Date has exactly one of cluster or fromArray');
          const src = cluster !== undefined ? { cluster } : { fromArray: fromArray ?? '' };
          fields.push({ ...base, kind: 'date', source: src, select: select(), ...where });
          break;
        }
        case 'Value':
          fields.push({
            ...base,
            kind: 'value',
            recordedOn: r.need(f, path, 'recordedOn'),
            cluster: r.need(f, path, 'cluster'),
            slot: slot(),
            tie: tie(),
            ...where,
          });
          break;
        case 'DateArray':
          fields.push({ ...base, kind: 'dateArray', cluster: r.need(f, path, 'cluster'), ...where });
          break;
        case 'ValueArray':
          fields.push({
            ...base,
            kind: 'valueArray',
            recordedOnEach: r.need(f, path, 'recordedOnEach'),
            cluster: r.need(f, path, 'cluster'),
            slot: slot(),
            tie: tie(),
            ...where,
          });
          break;
        default:
          fields.push({
            ...base,
            kind: f.name === 'LatestOf' ? 'latestOf' : 'earliestOf',
            of: r.need(f, path, 'of').split(/\s+/).filter(Boolean),
          });
      }
    }
  }

  const rules = (el: XmlElement, path: string): RuleDecl[] =>
    r.kids(el, path, ['Rule']).map((rule, i) => {
      const rp = `${path}/Rule[${i + 1}]`;
      const kids = r.kids(rule, rp, ['If', 'Comment']);
      const ifs = kids.filter((k) => k.name === 'If');
      if (ifs.length !== 1) r.bad(rp, 'a Rule has exactly one If');
      const comment = kids.find((k) => k.name === 'Comment');
      const actions = ['select', 'reject', 'next'] as const;
      return {
        if: r.condition(ifs[0]) ?? '',
        ifTrue: r.oneOf(rule, rp, 'ifTrue', actions) as Action,
        ifFalse: r.oneOf(rule, rp, 'ifFalse', actions) as Action,
        ...opt('comment', comment?.text.trim()),
      };
    });

  const populations: PopulationDecl[] = [];
  const popsEl = get('Populations');
  if (popsEl) {
    for (const p of r.kids(popsEl, `${at}/Populations`, ['Population'])) {
      const path = `${at}/Populations/Population[@name="${p.attrs.name ?? ''}"]`;
      populations.push({
        name: r.need(p, path, 'name'),
        kind: r.oneOf(p, path, 'kind', ['register', 'cohort', 'population'] as const),
        ...opt('appliesTo', p.attrs.appliesTo),
        ...opt('description', p.attrs.description),
        ...opt('version', p.attrs.version),
        rules: rules(p, path),
      });
    }
  }

  return { parameters, clusters, fields, populations, rules };
}

/** Top-level elements appear in `order`, each at most once except `Include`, which may repeat. */
function checkOrder(r: Reader, top: readonly XmlElement[], base: string, order: readonly string[]): void {
  for (let i = 1; i < top.length; i++) {
    const here = (top[i] as XmlElement).name;
    const before = order.indexOf((top[i - 1] as XmlElement).name);
    const at = order.indexOf(here);
    if (at < before || (at === before && here !== 'Include')) {
      r.bad(
        `${base}/${here}`,
        `'${here}' is out of place: the elements allowed here are ${order.join(', ')}, in that order, each at most once (Include may repeat)`,
      );
      break;
    }
  }
}

function readIncludes(r: Reader, top: readonly XmlElement[], base: string): IncludeDecl[] {
  return top
    .filter((e) => e.name === 'Include')
    .map((e, i) => {
      const path = `${base}/Include[${i + 1}]`;
      r.kids(e, path, []);
      return { href: r.need(e, path, 'href') };
    });
}

const LIBRARY_ROOT = '/QueryLibrary';
const LIBRARY_ORDER: readonly string[] = ['Include', 'Parameters', 'Clusters', 'Fields', 'Populations'];

/** Result of {@link readLibraryXml}. */
export type ReadLibraryXmlResult =
  | { readonly ok: true; readonly value: QueryLibraryDocument }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };

/**
 * Reads a library of shared definitions (root `QueryLibrary` in `urn:gpes-sdk:query-spec:1`): `Include`s, then
 * `Parameters`, `Clusters`, `Fields` and `Populations` as in a specification. Structure only; never throws.
 * @param xml the library text.
 */
export function readLibraryXml(xml: string): ReadLibraryXmlResult {
  const tree = parseXmlTree(xml);
  if (!tree.ok)
    return {
      ok: false,
      issues: [{ code: 'XML_SYNTAX', severity: 'error', path: LIBRARY_ROOT, message: tree.message }],
    };
  const r = new Reader();
  const root = tree.root;
  if (root.name !== 'QueryLibrary' || root.ns !== QUERY_SPEC_NAMESPACE) {
    r.bad(`/${root.name}`, `the root element of a library must be QueryLibrary in ${QUERY_SPEC_NAMESPACE}`);
    return { ok: false, issues: r.issues };
  }
  if (root.attrs.formatVersion !== '1') r.bad(`${LIBRARY_ROOT}/@formatVersion`, 'formatVersion must be "1"');
  const id = r.need(root, LIBRARY_ROOT, 'id');
  const top = r.kids(root, LIBRARY_ROOT, LIBRARY_ORDER);
  checkOrder(r, top, LIBRARY_ROOT, LIBRARY_ORDER);
  const get = (name: string) => top.find((e) => e.name === name);
  const { parameters, clusters, fields, populations } = readDefinitions(r, get, LIBRARY_ROOT);
  const includes = readIncludes(r, top, LIBRARY_ROOT);
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  return {
    ok: true,
    value: {
      formatVersion: 1,
      id,
      ...opt('name', root.attrs.name),
      ...(includes.length > 0 ? { includes } : {}),
      parameters,
      clusters,
      fields,
      populations,
    },
  };
}

/**
 * Reads a query specification from XML in the project's namespace `urn:gpes-sdk:query-spec:1` (business-rules
 * §3.3). Structure only: names, types and rules are validated by `compileSpec`. Never throws.
 * @param xml the specification text.
 */
export function readSpecXml(xml: string): ReadSpecXmlResult {
  const tree = parseXmlTree(xml);
  if (!tree.ok)
    return {
      ok: false,
      issues: [{ code: 'XML_SYNTAX', severity: 'error', path: ROOT, message: tree.message }],
    };
  const r = new Reader();
  const root = tree.root;
  if (root.name !== 'QuerySpecification' || root.ns !== QUERY_SPEC_NAMESPACE) {
    r.bad(`/${root.name}`, `the root element must be QuerySpecification in ${QUERY_SPEC_NAMESPACE}`);
    return { ok: false, issues: r.issues };
  }
  if (root.attrs.formatVersion !== '1') r.bad(`${ROOT}/@formatVersion`, 'formatVersion must be "1"');
  const id = r.need(root, ROOT, 'id');
  const top = r.kids(root, ROOT, TOP_ORDER);
  checkOrder(r, top, ROOT, TOP_ORDER);
  const get = (name: string) => top.find((e) => e.name === name);

  const sourceEl = get('Source');
  const source = sourceEl
    ? Object.fromEntries(
        ['title', 'publisher', 'version', 'date', 'trudVersion', 'cqrsService', 'url']
          .filter((k) => sourceEl.attrs[k] !== undefined)
          .map((k) => [k, sourceEl.attrs[k] as string]),
      )
    : undefined;
  const policiesEl = get('Policies');
  const policies = policiesEl
    ? {
        monthArithmetic: r.oneOf(
          policiesEl,
          `${ROOT}/Policies`,
          'monthArithmetic',
          ['clamp', 'rollForward'] as const,
          'clamp',
        ),
      }
    : undefined;

  const partEl = get('Participation');
  const partPath = `${ROOT}/Participation`;
  let participation: QuerySpecDocument['participation'];
  if (!partEl || partEl.attrs.type1OptOut === undefined) {
    participation = { type1OptOut: undefined as unknown as 'exclude' }; // reported by compileSpec (MISSING_PARTICIPATION)
  } else {
    const kids = r.kids(partEl, partPath, ['DissentCodes', 'DissentWithdrawnCodes']);
    const dc = kids.find((k) => k.name === 'DissentCodes');
    const dw = kids.find((k) => k.name === 'DissentWithdrawnCodes');
    participation = {
      type1OptOut: r.oneOf(partEl, partPath, 'type1OptOut', ['exclude', 'notApplied'] as const),
      ...(dc ? { dissentCluster: r.need(dc, `${partPath}/DissentCodes`, 'cluster') } : {}),
      ...(dw ? { dissentWithdrawnCluster: r.need(dw, `${partPath}/DissentWithdrawnCodes`, 'cluster') } : {}),
    };
  }

  const { parameters, clusters, fields, populations, rules } = readDefinitions(r, get, ROOT);
  const includes = readIncludes(r, top, ROOT);

  const outputs: OutputDecl[] = [];
  const outEl = get('Outputs');
  if (outEl) {
    for (const o of r.kids(outEl, `${ROOT}/Outputs`, [
      'Indicator',
      'Count',
      'ParameterValue',
      'PatientLevelExtract',
    ])) {
      const key = o.name === 'Indicator' ? 'id' : o.name === 'ParameterValue' ? 'aid' : 'name';
      const path = `${ROOT}/Outputs/${o.name}[@${key}="${o.attrs[key] ?? ''}"]`;
      if (o.name === 'Indicator') {
        const kind = r.oneOf(o, path, 'kind', ['register', 'proportion'] as const);
        const common = {
          type: 'indicator' as const,
          id: r.need(o, path, 'id'),
          population: r.need(o, path, 'population'),
          ...opt('description', o.attrs.description),
          ...opt('version', o.attrs.version),
        };
        if (kind === 'register') {
          r.kids(o, path, []);
          outputs.push({ ...common, kind, ...opt('aid', o.attrs.aid) });
        } else {
          const kids = r.kids(o, path, ['Denominator', 'Numerator']);
          const part = (name: string) => {
            const el = kids.find((k) => k.name === name);
            if (!el) {
              r.bad(`${path}/${name}`, `a proportion indicator needs a ${name}`);
              return { aid: '', rules: [] };
            }
            const pp = `${path}/${name}`;
            return {
              aid: r.need(el, pp, 'aid'),
              ...opt('description', el.attrs.description),
              rules: rules(el, pp),
            };
          };
          outputs.push({ ...common, kind, denominator: part('Denominator'), numerator: part('Numerator') });
        }
      } else if (o.name === 'Count') {
        outputs.push({
          type: 'count',
          name: r.need(o, path, 'name'),
          kind: r.oneOf(o, path, 'kind', ['population', 'payment', 'managementInformation'] as const),
          population: r.need(o, path, 'population'),
          aid: r.need(o, path, 'aid'),
          ...opt('description', o.attrs.description),
          rules: rules(o, path),
        });
      } else if (o.name === 'ParameterValue') {
        r.kids(o, path, []);
        outputs.push({
          type: 'parameterValue',
          parameter: r.need(o, path, 'parameter'),
          aid: r.need(o, path, 'aid'),
          ...opt('description', o.attrs.description),
        });
      } else {
        const kids = r.kids(o, path, ['PatientTable', 'JournalsTable']);
        const qid = (el: XmlElement, p: string) => {
          const v = r.need(el, p, 'qid');
          if (!/^\d+$/.test(v)) r.bad(`${p}/@qid`, 'qid must be a positive integer');
          return Number(v);
        };
        const cols = (el: XmlElement, p: string) => r.need(el, p, 'columns').split(/\s+/).filter(Boolean);
        const pt = kids.filter((k) => k.name === 'PatientTable');
        if (pt.length > 1) r.bad(`${path}/PatientTable`, 'at most one PatientTable');
        const ptEl = pt[0];
        const journalsTables: JournalsTableDecl[] = kids
          .filter((k) => k.name === 'JournalsTable')
          .map((t) => {
            const tp = `${path}/JournalsTable[@qid="${t.attrs.qid ?? ''}"]`;
            return {
              qid: qid(t, tp),
              columns: cols(t, tp),
              include: r.kids(t, tp, ['Include']).map((inc, i) => {
                const ip = `${tp}/Include[${i + 1}]`;
                const w = r.kids(inc, ip, ['Where']);
                return { cluster: r.need(inc, ip, 'cluster'), ...opt('where', r.condition(w[0])) };
              }),
            };
          });
        outputs.push({
          type: 'patientLevelExtract',
          name: r.need(o, path, 'name'),
          population: r.need(o, path, 'population'),
          ...(ptEl
            ? {
                patientTable: {
                  qid: qid(ptEl, `${path}/PatientTable`),
                  columns: cols(ptEl, `${path}/PatientTable`),
                },
              }
            : {}),
          journalsTables,
        });
      }
    }
  }

  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  const value: QuerySpecDocument = {
    formatVersion: 1,
    id,
    ...opt('name', root.attrs.name),
    ...opt('rulesetVersion', root.attrs.rulesetVersion),
    ...(source ? { source } : {}),
    ...(policies ? { policies } : {}),
    ...(includes.length > 0 ? { includes } : {}),
    participation,
    parameters,
    clusters,
    fields,
    populations,
    outputs,
  };
  return { ok: true, value };
}
