import { parseIsoDate, parseUkDate } from '../dates/calendar.js';
import type { SpecIssue } from '../errors.js';
import { SNOMED_CT_OID } from '../record.js';
import type { Condition } from '../spec/condition/ast.js';
import { parseCondition } from '../spec/condition/parser.js';
import { printCondition } from '../spec/condition/print.js';
import type {
  ClusterDecl,
  FieldDecl,
  JournalsTableDecl,
  OutputDecl,
  ParameterDecl,
  QuerySpecDocument,
  RuleDecl,
} from '../spec/model.js';
import { checkCondition, type IssueSink, sinkInto } from './check-condition.js';
import { fieldElement, parameterElement, pred, ROOT } from './paths.js';
import type { Program, ProgramField, ProgramOutput, ProgramPopulation, ProgramRule } from './program.js';
import { type CandidateScope, fieldType, type SymbolInfo, type ValueType } from './symbols.js';

/** The Type 1 "dissent from secondary use" SNOMED CT code (P19a). */
export const TYPE1_DISSENT_CODE = '827241000000103';

/** QR attribute names a `PatientTable` may list (§5.3). */
export const PATIENT_TABLE_COLUMNS: readonly string[] = [
  'NHS-NUMBER',
  'DATE-OF-BIRTH',
  'SEX',
  'POSTCODE',
  'PRACTICE',
];
/** QR attribute names a `JournalsTable` may list (§5.3). */
export const JOURNALS_TABLE_COLUMNS: readonly string[] = [
  'DATE',
  'CODE',
  'VALUE1-CONDITION',
  'VALUE2-CONDITION',
  'VALUE1-PRESCRIPTION',
  'VALUE2-PRESCRIPTION',
  'RECORD-DATE',
  'EPISODE-CONDITION',
  'EPISODE-PRESCRIPTION',
  'LINKS',
];

const ACTIONS = new Set(['select', 'reject', 'next']);
const TIES = new Set(['min', 'max', 'latestRecorded']);
const FIELD_KINDS = new Set([
  'patientAttribute',
  'age',
  'registrationDate',
  'date',
  'value',
  'dateArray',
  'valueArray',
  'latestOf',
  'earliestOf',
]);
const ATTRIBUTES = new Set(['patientId', 'nhsNumber', 'dateOfBirth', 'dateOfDeath', 'sex', 'postcode']);

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/** Parses a condition, reporting syntax problems and the MIXED_AND_OR warning. */
function parse(text: unknown, path: string, sink: IssueSink): Condition | undefined {
  if (typeof text !== 'string' || text.trim() === '') {
    sink.add('CONDITION_SYNTAX', path, 'the condition is empty');
    return undefined;
  }
  const r = parseCondition(text);
  if (!r.ok) {
    sink.add('CONDITION_SYNTAX', path, `${r.error.message} at character ${r.error.offset + 1}`);
    return undefined;
  }
  if (r.mixedAndOr) sink.add('MIXED_AND_OR', path, 'AND and OR are mixed without parentheses', 'warning');
  return r.condition;
}

/** Checks a parameter literal against its type. */
export function parameterLiteralValid(type: ParameterDecl['type'], value: string): boolean {
  if (type === 'date') return parseIsoDate(value) !== null || parseUkDate(value) !== null;
  if (type === 'number') return /^-?\d+(\.\d+)?$/.test(value.trim());
  return true;
}

/**
 * Validates a document and resolves it into a {@link Program}. Every issue goes into `issues`; the program is
 * only meaningful when no error was reported.
 * @internal
 */
export function analyse(input: unknown, issues: SpecIssue[]): Program | undefined {
  const sink = sinkInto(issues);
  if (!isObj(input)) {
    sink.add('INVALID_STRUCTURE', ROOT, 'the specification is not an object');
    return undefined;
  }
  const doc = input as unknown as QuerySpecDocument;
  if (doc.formatVersion !== 1)
    sink.add('INVALID_STRUCTURE', `${ROOT}/@formatVersion`, 'formatVersion must be 1');
  if (!isStr(doc.id)) sink.add('INVALID_STRUCTURE', `${ROOT}/@id`, 'id is required');
  const list = <T>(x: unknown, name: string): readonly T[] => {
    if (Array.isArray(x)) return x as T[];
    sink.add('INVALID_STRUCTURE', `${ROOT}/${name}`, `${name} must be a list`);
    return [];
  };
  const parameters = list<ParameterDecl>(doc.parameters, 'Parameters').filter((p, i) => {
    if (isObj(p) && isStr(p.name) && ['date', 'number', 'text'].includes(p.type)) return true;
    sink.add('INVALID_STRUCTURE', `${ROOT}/Parameters/*[${i + 1}]`, 'a parameter needs a name and a type');
    return false;
  });
  const clusters = list<ClusterDecl>(doc.clusters, 'Clusters').filter((c, i) => {
    if (isObj(c) && isStr(c.name) && Array.isArray(c.members)) return true;
    sink.add(
      'INVALID_STRUCTURE',
      `${ROOT}/Clusters/Cluster[${i + 1}]`,
      'a cluster needs a name and a member list',
    );
    return false;
  });
  const fields = list<FieldDecl>(doc.fields, 'Fields').filter((f, i) => {
    if (isObj(f) && isStr(f.name) && FIELD_KINDS.has(f.kind)) return true;
    sink.add('INVALID_STRUCTURE', `${ROOT}/Fields/*[${i + 1}]`, 'a field needs a name and a known kind');
    return false;
  });
  const populations = list<ProgramPopulationInput>(doc.populations, 'Populations').filter((p, i) => {
    if (isObj(p) && isStr(p.name) && Array.isArray(p.rules)) return true;
    sink.add(
      'INVALID_STRUCTURE',
      `${ROOT}/Populations/Population[${i + 1}]`,
      'a population needs a name and rules',
    );
    return false;
  });
  const outputs = list<OutputDecl>(doc.outputs, 'Outputs').filter((o, i) => {
    if (isObj(o) && ['indicator', 'count', 'parameterValue', 'patientLevelExtract'].includes(o.type))
      return true;
    sink.add('INVALID_STRUCTURE', `${ROOT}/Outputs/*[${i + 1}]`, 'an output needs a known type');
    return false;
  });

  // ---- names ------------------------------------------------------------------------------------------------
  const symbols = new Map<string, SymbolInfo>();
  const paramPath = (p: ParameterDecl) =>
    `${ROOT}/Parameters/${parameterElement(p.type)}${pred('name', p.name)}`;
  const fieldPath = (f: FieldDecl) => `${ROOT}/Fields/${fieldElement(f.kind)}${pred('name', f.name)}`;
  for (const p of parameters) {
    if (symbols.has(p.name))
      sink.add('DUPLICATE_NAME', paramPath(p), `'${p.name}' is declared more than once`);
    else symbols.set(p.name, { kind: 'param', type: p.type });
  }
  for (const f of fields) {
    if (symbols.has(f.name))
      sink.add('DUPLICATE_NAME', fieldPath(f), `'${f.name}' is declared more than once`);
    else symbols.set(f.name, { kind: 'field', type: fieldType(f), decl: f });
  }
  const clusterIndex = new Map<string, number>();
  clusters.forEach((c, i) => {
    const path = `${ROOT}/Clusters/Cluster${pred('name', c.name)}`;
    if (clusterIndex.has(c.name))
      sink.add('DUPLICATE_NAME', path, `cluster '${c.name}' is declared more than once`);
    else clusterIndex.set(c.name, i);
    if (c.membersRef) {
      sink.add(
        'UNEXPANDED_MEMBERS',
        `${path}/Members`,
        'the Members list has not been expanded; load the spec with loadSpec',
      );
    } else if (c.members.length === 0)
      sink.add('EMPTY_CLUSTER', path, `cluster '${c.name}' has no members`, 'warning');
    c.members.forEach((m, j) => {
      if (!isObj(m) || !isStr(m.code))
        sink.add('INVALID_STRUCTURE', `${path}/Code[${j + 1}]`, 'a member needs a code');
    });
  });
  const popIndexByName = new Map<string, number>();
  populations.forEach((p, i) => {
    if (popIndexByName.has(p.name)) {
      sink.add(
        'DUPLICATE_NAME',
        `${ROOT}/Populations/Population${pred('name', p.name)}`,
        `population '${p.name}' is declared more than once`,
      );
    } else popIndexByName.set(p.name, i);
  });
  const outputNames = new Set<string>();
  for (const o of outputs) {
    const name = o.type === 'indicator' ? o.id : o.type === 'parameterValue' ? undefined : o.name;
    if (name === undefined) continue;
    if (outputNames.has(name))
      sink.add('DUPLICATE_NAME', outputPath(o), `output '${name}' is declared more than once`);
    outputNames.add(name);
  }

  // ---- parameters ---------------------------------------------------------------------------------------------
  for (const p of parameters) {
    const b = isObj(p.binding) ? (p.binding as Record<string, unknown>) : {};
    const kinds = ['value', 'run', 'aid'].filter((k) => b[k] !== undefined);
    if (kinds.length !== 1) {
      sink.add(
        'BAD_PARAMETER_BINDING',
        paramPath(p),
        `a parameter needs exactly one of value, bind="run" or bind="aid" (found ${kinds.length})`,
      );
    } else if (
      kinds[0] === 'value' &&
      (typeof b.value !== 'string' || !parameterLiteralValid(p.type, b.value))
    ) {
      sink.add('BAD_PARAMETER_BINDING', paramPath(p), `the value is not a valid ${p.type}`);
    } else if (kinds[0] === 'aid' && !isStr(b.aid)) {
      sink.add('BAD_PARAMETER_BINDING', paramPath(p), 'bind="aid" needs an aid');
    } else if (kinds[0] === 'run' && b.run !== true) {
      sink.add('BAD_PARAMETER_BINDING', paramPath(p), 'run must be true');
    }
  }

  // ---- participation -----------------------------------------------------------------------------------------
  const part = isObj(doc.participation) ? doc.participation : undefined;
  const partPath = `${ROOT}/Participation`;
  let dissentCluster = -1;
  let dissentWithdrawnCluster = -1;
  if (!part || (part.type1OptOut !== 'exclude' && part.type1OptOut !== 'notApplied')) {
    sink.add(
      'MISSING_PARTICIPATION',
      partPath,
      'Participation/@type1OptOut must be "exclude" or "notApplied"',
    );
  } else {
    if (part.dissentCluster !== undefined) {
      dissentCluster = clusterIndex.get(part.dissentCluster) ?? -1;
      if (dissentCluster < 0)
        sink.add(
          'UNKNOWN_NAME',
          `${partPath}/DissentCodes`,
          `cluster '${part.dissentCluster}' is not declared`,
        );
      else if (!clusters[dissentCluster]?.members.some((m) => m?.code === TYPE1_DISSENT_CODE)) {
        sink.add(
          'DISSENT_CLUSTER_WITHOUT_T1_CODE',
          `${partPath}/DissentCodes`,
          `the dissent cluster lacks ${TYPE1_DISSENT_CODE}`,
          'warning',
        );
      }
    } else if (part.type1OptOut === 'exclude') {
      sink.add('MISSING_PARTICIPATION', partPath, 'type1OptOut="exclude" needs DissentCodes');
    }
    if (part.dissentWithdrawnCluster !== undefined) {
      dissentWithdrawnCluster = clusterIndex.get(part.dissentWithdrawnCluster) ?? -1;
      if (dissentWithdrawnCluster < 0) {
        sink.add(
          'UNKNOWN_NAME',
          `${partPath}/DissentWithdrawnCodes`,
          `cluster '${part.dissentWithdrawnCluster}' is not declared`,
        );
      }
    }
  }
  const policies = isObj(doc.policies) ? doc.policies : {};
  const monthArithmetic = policies.monthArithmetic ?? 'clamp';
  if (monthArithmetic !== 'clamp' && monthArithmetic !== 'rollForward') {
    sink.add(
      'INVALID_STRUCTURE',
      `${ROOT}/Policies/@monthArithmetic`,
      'monthArithmetic must be "clamp" or "rollForward"',
    );
  }

  // ---- fields -----------------------------------------------------------------------------------------------
  const used = new Set<string>();
  const deps = new Map<string, Set<string>>();
  const wheres = new Map<string, Condition>();
  const needCluster = (name: unknown, path: string) => {
    if (!isStr(name) || !clusterIndex.has(name))
      sink.add('UNKNOWN_NAME', path, `cluster '${String(name)}' is not declared`);
  };
  const needField = (
    name: unknown,
    path: string,
    want: readonly ValueType[],
    what: string,
    d: Set<string>,
    fieldsOnly = true,
  ): void => {
    const sym = isStr(name) ? symbols.get(name) : undefined;
    if (!sym || (fieldsOnly && sym.kind !== 'field')) {
      sink.add(
        'UNKNOWN_NAME',
        path,
        `'${String(name)}' is not a declared ${fieldsOnly ? 'field' : 'field or parameter'}`,
      );
      return;
    }
    d.add(name as string);
    if (!want.includes(sym.type))
      sink.add('TYPE_MISMATCH', path, `'${String(name)}' must be ${what}, not a ${sym.type}`);
  };
  for (const f of fields) {
    const path = fieldPath(f);
    const d = new Set<string>();
    deps.set(f.name, d);
    const isArrayName = /^\{.+\}$/.test(f.name) || /^\[.+\]$/.test(f.name);
    if (f.kind === 'dateArray' && !/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(f.name)) {
      sink.add('ARRAY_NAME_FORM', path, 'a DateArray name is written with braces, e.g. {BPSYS_DAT}');
    } else if (f.kind === 'valueArray' && !/^\[[A-Za-z_][A-Za-z0-9_]*\]$/.test(f.name)) {
      sink.add('ARRAY_NAME_FORM', path, 'a ValueArray name is written with brackets, e.g. [BPSYS_VAL]');
    } else if (f.kind !== 'dateArray' && f.kind !== 'valueArray' && isArrayName) {
      sink.add('ARRAY_NAME_FORM', path, 'only array fields have braces or brackets in their names');
    } else if (
      f.kind !== 'dateArray' &&
      f.kind !== 'valueArray' &&
      !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)
    ) {
      sink.add('INVALID_STRUCTURE', path, 'a field name is letters, digits and underscores');
    }
    let scope: CandidateScope = { kind: 'none' };
    switch (f.kind) {
      case 'patientAttribute':
        if (!ATTRIBUTES.has(f.attribute))
          sink.add('INVALID_STRUCTURE', `${path}/@attribute`, 'unknown patient attribute');
        break;
      case 'age':
        needField(f.at, `${path}/@at`, ['date'], 'a date parameter or field', d, false);
        break;
      case 'registrationDate':
        scope = { kind: 'registration' };
        if (f.boundary !== 'start' && f.boundary !== 'end')
          sink.add('INVALID_STRUCTURE', `${path}/@boundary`, 'boundary must be start or end');
        if (f.select !== 'latest' && f.select !== 'earliest')
          sink.add('INVALID_STRUCTURE', `${path}/@select`, 'select must be latest or earliest');
        break;
      case 'date': {
        if (f.select !== 'latest' && f.select !== 'earliest')
          sink.add('INVALID_STRUCTURE', `${path}/@select`, 'select must be latest or earliest');
        const src = isObj(f.source) ? (f.source as Record<string, unknown>) : {};
        if (src.cluster !== undefined && src.fromArray === undefined) {
          needCluster(src.cluster, `${path}/@cluster`);
          scope = { kind: 'entry' };
        } else if (src.fromArray !== undefined && src.cluster === undefined) {
          needField(src.fromArray, `${path}/@fromArray`, ['dateArray'], 'a DateArray', d);
          scope = { kind: 'arrayDate', array: String(src.fromArray) };
        } else sink.add('INVALID_STRUCTURE', path, 'a Date needs exactly one of cluster or fromArray');
        break;
      }
      case 'value':
      case 'valueArray': {
        if (f.tie === undefined)
          sink.add(
            'MISSING_TIE_POLICY',
            path,
            `a ${fieldElement(f.kind)} needs a tie policy (min, max or latestRecorded)`,
          );
        else if (!TIES.has(f.tie))
          sink.add('INVALID_STRUCTURE', `${path}/@tie`, 'tie must be min, max or latestRecorded');
        if (f.slot !== 'value1' && f.slot !== 'value2')
          sink.add('INVALID_STRUCTURE', `${path}/@slot`, 'slot must be value1 or value2');
        needCluster(f.cluster, `${path}/@cluster`);
        if (f.kind === 'value') needField(f.recordedOn, `${path}/@recordedOn`, ['date'], 'a date field', d);
        else needField(f.recordedOnEach, `${path}/@recordedOnEach`, ['dateArray'], 'a DateArray', d);
        scope = { kind: 'entry' };
        break;
      }
      case 'dateArray':
        needCluster(f.cluster, `${path}/@cluster`);
        scope = { kind: 'entry' };
        break;
      case 'latestOf':
      case 'earliestOf':
        if (!Array.isArray(f.of) || f.of.length === 0)
          sink.add('INVALID_STRUCTURE', `${path}/@of`, 'of lists at least one date field');
        else for (const n of f.of) needField(n, `${path}/@of`, ['date'], 'a date field', d);
        break;
    }
    const whereText = 'where' in f ? f.where : undefined;
    if (whereText !== undefined) {
      const c = parse(whereText, `${path}/Where`, sink);
      if (c) {
        wheres.set(f.name, c);
        for (const n of checkCondition(c, scope, symbols, `${path}/Where`, sink)) d.add(n);
      }
    }
    for (const n of d) used.add(n);
  }
  checkRegistrationShape(fields, wheres, symbols, sink, fieldPath);

  // Fields in dependency order; cycles reported once per field on a cycle.
  const order: FieldDecl[] = [];
  const state = new Map<string, 1 | 2>();
  const byName = new Map(fields.map((f) => [f.name, f] as const));
  const reportedCycle = new Set<string>();
  const visit = (name: string, stack: string[]): void => {
    const s = state.get(name);
    if (s === 2) return;
    if (s === 1) {
      const cycle = stack.slice(stack.indexOf(name));
      for (const n of cycle) {
        if (reportedCycle.has(n)) continue;
        reportedCycle.add(n);
        const f = byName.get(n);
        if (f) sink.add('CYCLE', fieldPath(f), `'${n}' depends on itself: ${[...cycle, name].join(' -> ')}`);
      }
      return;
    }
    const f = byName.get(name);
    if (!f) return; // a parameter
    state.set(name, 1);
    stack.push(name);
    for (const dep of deps.get(name) ?? []) visit(dep, stack);
    stack.pop();
    state.set(name, 2);
    order.push(f);
  };
  for (const f of fields) visit(f.name, []);

  // ---- populations ------------------------------------------------------------------------------------------
  const rulesOf = (rules: unknown, path: string, requireRules: boolean): ProgramRule[] => {
    if (!Array.isArray(rules)) {
      sink.add('INVALID_STRUCTURE', path, 'rules must be a list');
      return [];
    }
    if (rules.length === 0 && requireRules) sink.add('EMPTY_RULE_TABLE', path, 'the rule table has no rules');
    const out: ProgramRule[] = [];
    rules.forEach((r: RuleDecl, i) => {
      const rp = `${path}/Rule[${i + 1}]`;
      if (!isObj(r) || !ACTIONS.has(r.ifTrue) || !ACTIONS.has(r.ifFalse)) {
        sink.add('INVALID_STRUCTURE', rp, 'ifTrue and ifFalse must be select, reject or next');
        return;
      }
      if (i === rules.length - 1 && (r.ifTrue === 'next' || r.ifFalse === 'next')) {
        sink.add('LAST_RULE_NEXT', rp, 'the last rule of a table cannot pass patients to a next rule (P1)');
      }
      const c = parse(r.if, `${rp}/If`, sink);
      if (!c) return;
      for (const n of checkCondition(c, { kind: 'none' }, symbols, `${rp}/If`, sink)) used.add(n);
      out.push({ condition: c, text: printCondition(c), ifTrue: r.ifTrue, ifFalse: r.ifFalse });
    });
    return out;
  };
  const popState = new Map<string, 1 | 2>();
  const popOrder: string[] = [];
  const visitPop = (name: string, chain: string[]): void => {
    const s = popState.get(name);
    if (s === 2) return;
    const idx = popIndexByName.get(name);
    if (idx === undefined) return;
    const p = populations[idx] as ProgramPopulationInput;
    if (s === 1) {
      sink.add(
        'CYCLE',
        `${ROOT}/Populations/Population${pred('name', name)}`,
        `population '${name}' applies to itself: ${[...chain, name].join(' -> ')}`,
      );
      return;
    }
    popState.set(name, 1);
    if (isStr(p.appliesTo)) visitPop(p.appliesTo, [...chain, name]);
    popState.set(name, 2);
    popOrder.push(name);
  };
  for (const p of populations) {
    if (p.appliesTo !== undefined && !popIndexByName.has(p.appliesTo)) {
      sink.add(
        'UNKNOWN_NAME',
        `${ROOT}/Populations/Population${pred('name', p.name)}/@appliesTo`,
        `population '${String(p.appliesTo)}' is not declared`,
      );
    }
    visitPop(p.name, []);
  }
  const populationIndex = new Map(popOrder.map((n, i) => [n, i] as const));
  const programPops: ProgramPopulation[] = popOrder.map((name) => {
    const p = populations[popIndexByName.get(name) as number] as ProgramPopulationInput;
    return {
      name,
      parent: isStr(p.appliesTo) ? (populationIndex.get(p.appliesTo) ?? -1) : -1,
      rules: rulesOf(p.rules, `${ROOT}/Populations/Population${pred('name', name)}`, true),
    };
  });

  // ---- outputs ----------------------------------------------------------------------------------------------
  const qids = new Set<number>();
  const needPopulation = (name: unknown, path: string): number => {
    const i = isStr(name) ? populationIndex.get(name) : undefined;
    if (i === undefined) sink.add('UNKNOWN_NAME', path, `population '${String(name)}' is not declared`);
    return i ?? -1;
  };
  const programOutputs: ProgramOutput[] = [];
  for (const o of outputs) {
    const path = outputPath(o);
    switch (o.type) {
      case 'indicator': {
        const population = needPopulation(o.population, `${path}/@population`);
        if (o.kind === 'register') {
          if (o.aid !== undefined && !isStr(o.aid))
            sink.add(
              'INVALID_STRUCTURE',
              `${path}/@aid`,
              'a register indicator aid, when given, is a string',
            );
          programOutputs.push({
            type: 'registerIndicator',
            id: o.id,
            population,
            aid: o.aid ?? o.id,
            ...desc(o.description),
          });
        } else if (o.kind === 'proportion') {
          if (!isObj(o.denominator) || !isObj(o.numerator)) {
            sink.add('INVALID_STRUCTURE', path, 'a proportion indicator needs a Denominator and a Numerator');
            break;
          }
          for (const part of [o.denominator, o.numerator]) {
            if (!isStr(part.aid))
              sink.add(
                'INVALID_STRUCTURE',
                `${path}/${part === o.numerator ? 'Numerator' : 'Denominator'}/@aid`,
                'an aid is required',
              );
          }
          programOutputs.push({
            type: 'proportionIndicator',
            id: o.id,
            population,
            denominator: {
              aid: o.denominator.aid,
              ...desc(o.denominator.description),
              rules: rulesOf(o.denominator.rules, `${path}/Denominator`, false),
            },
            numerator: {
              aid: o.numerator.aid,
              ...desc(o.numerator.description),
              rules: rulesOf(o.numerator.rules, `${path}/Numerator`, true),
            },
          });
        } else sink.add('INVALID_STRUCTURE', `${path}/@kind`, 'kind must be register or proportion');
        break;
      }
      case 'count': {
        const population = needPopulation(o.population, `${path}/@population`);
        if (!isStr(o.aid)) sink.add('INVALID_STRUCTURE', `${path}/@aid`, 'a count needs an aid');
        if (!['population', 'payment', 'managementInformation'].includes(o.kind))
          sink.add('INVALID_STRUCTURE', `${path}/@kind`, 'unknown count kind');
        programOutputs.push({
          type: 'count',
          name: o.name,
          population,
          aid: o.aid,
          ...desc(o.description),
          rules: rulesOf(o.rules ?? [], path, false),
        });
        break;
      }
      case 'parameterValue': {
        if (!parameters.some((p) => p.name === o.parameter))
          sink.add(
            'UNKNOWN_NAME',
            `${path}/@parameter`,
            `parameter '${String(o.parameter)}' is not declared`,
          );
        if (!isStr(o.aid)) sink.add('INVALID_STRUCTURE', `${path}/@aid`, 'a parameter value needs an aid');
        programOutputs.push({
          type: 'parameterValue',
          parameter: o.parameter,
          aid: o.aid,
          ...desc(o.description),
        });
        break;
      }
      case 'patientLevelExtract': {
        const population = needPopulation(o.population, `${path}/@population`);
        const qid = (q: unknown, p: string) => {
          if (typeof q !== 'number' || !Number.isInteger(q) || q < 1)
            sink.add('INVALID_STRUCTURE', `${p}/@qid`, 'qid must be a positive integer');
          else if (qids.has(q))
            sink.add('DUPLICATE_QID', p, `qid ${q} is used by another patient-level table`);
          else qids.add(q);
        };
        const columns = (cols: unknown, allowed: readonly string[], p: string): string[] => {
          if (!Array.isArray(cols) || cols.length === 0) {
            sink.add('INVALID_STRUCTURE', `${p}/@columns`, 'columns lists at least one column');
            return [];
          }
          for (const c of cols)
            if (!allowed.includes(c))
              sink.add('UNKNOWN_NAME', `${p}/@columns`, `'${String(c)}' is not a column of this table`);
          return cols as string[];
        };
        let patientTable: { qid: number; columns: string[] } | undefined;
        if (o.patientTable !== undefined && !isObj(o.patientTable)) {
          sink.add('INVALID_STRUCTURE', `${path}/PatientTable`, 'a PatientTable needs a qid and columns');
        } else if (o.patientTable !== undefined) {
          const p = `${path}/PatientTable`;
          qid(o.patientTable.qid, p);
          patientTable = {
            qid: o.patientTable.qid,
            columns: columns(o.patientTable.columns, PATIENT_TABLE_COLUMNS, p),
          };
        }
        const tables = (Array.isArray(o.journalsTables) ? o.journalsTables : []).filter((t, ti) => {
          if (isObj(t)) return true;
          sink.add(
            'INVALID_STRUCTURE',
            `${path}/JournalsTable[${ti + 1}]`,
            'a JournalsTable needs a qid, columns and includes',
          );
          return false;
        });
        const journalsTables = tables.map((t, ti) => {
          const p = `${path}/JournalsTable${pred('qid', t.qid)}`;
          qid(t.qid, p);
          const cols = columns(t.columns, JOURNALS_TABLE_COLUMNS, p);
          const include = (Array.isArray(t.include) ? t.include : []).map(
            (inc: JournalsTableDecl['include'][number], ii: number) => {
              const ip = `${p}/Include[${ii + 1}]`;
              if (!isObj(inc)) {
                sink.add('INVALID_STRUCTURE', ip, 'an Include needs a cluster');
                return { cluster: -1 };
              }
              needCluster(inc.cluster, `${ip}/@cluster`);
              let where: Condition | undefined;
              if (inc.where !== undefined) {
                where = parse(inc.where, `${ip}/Where`, sink);
                if (where)
                  for (const n of checkCondition(where, { kind: 'entry' }, symbols, `${ip}/Where`, sink))
                    used.add(n);
              }
              return { cluster: clusterIndex.get(inc.cluster) ?? -1, ...(where ? { where } : {}) };
            },
          );
          if (include.length === 0)
            sink.add('INVALID_STRUCTURE', p, `JournalsTable ${ti + 1} needs at least one Include`);
          return { qid: t.qid, columns: cols, include };
        });
        programOutputs.push({
          type: 'patientLevelExtract',
          name: o.name,
          population,
          ...(patientTable ? { patientTable } : {}),
          journalsTables,
        });
        break;
      }
    }
  }

  // A condition that could not be read may be the one that uses a field: saying it is unused would mislead.
  const unreadable = issues.some((i) => i.code === 'CONDITION_SYNTAX');
  for (const f of fields) {
    if (!unreadable && !used.has(f.name))
      sink.add(
        'UNUSED_FIELD',
        fieldPath(f),
        `'${f.name}' is not used by any rule, field or output`,
        'warning',
      );
  }

  const programFields: ProgramField[] = order.map((decl) => {
    const where = wheres.get(decl.name);
    return { decl, type: fieldType(decl), ...(where ? { where } : {}) };
  });
  return {
    document: doc,
    monthArithmetic: monthArithmetic === 'rollForward' ? 'rollForward' : 'clamp',
    parameters,
    clusters: clusters.map((c) => ({ ...c, codeSystem: isStr(c.codeSystem) ? c.codeSystem : SNOMED_CT_OID })),
    clusterIndex,
    fields: programFields,
    declaredFieldOrder: fields.map((f) => f.name),
    populations: programPops,
    populationIndex,
    outputs: programOutputs,
    dissentCluster,
    dissentWithdrawnCluster,
    type1OptOut: part?.type1OptOut === 'exclude',
  };
}

type ProgramPopulationInput = QuerySpecDocument['populations'][number];

function desc(description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description };
}

/** The path of an output declaration. */
export function outputPath(o: OutputDecl): string {
  switch (o.type) {
    case 'indicator':
      return `${ROOT}/Outputs/Indicator${pred('id', o.id)}`;
    case 'count':
      return `${ROOT}/Outputs/Count${pred('name', o.name)}`;
    case 'parameterValue':
      return `${ROOT}/Outputs/ParameterValue${pred('aid', o.aid)}`;
    case 'patientLevelExtract':
      return `${ROOT}/Outputs/PatientLevelExtract${pred('name', o.name)}`;
  }
}

/** P17: REG_DAT and DEREG_DAT must have the shape the GMS rule relies on. */
function checkRegistrationShape(
  fields: readonly FieldDecl[],
  wheres: ReadonlyMap<string, Condition>,
  symbols: ReadonlyMap<string, SymbolInfo>,
  sink: IssueSink,
  fieldPath: (f: FieldDecl) => string,
): void {
  for (const f of fields) {
    if (f.name !== 'REG_DAT' && f.name !== 'DEREG_DAT') continue;
    const w = wheres.get(f.name);
    const cmp = w?.kind === 'compare' ? w : undefined;
    const ok =
      f.name === 'REG_DAT'
        ? f.kind === 'registrationDate' &&
          f.boundary === 'start' &&
          f.select === 'latest' &&
          cmp?.op === '<=' &&
          cmp.left.kind === 'candidate' &&
          cmp.left.which === 'date' &&
          cmp.right.kind === 'name' &&
          (() => {
            const s = symbols.get((cmp.right as { name: string }).name);
            return s?.kind === 'param' && s.type === 'date';
          })()
        : f.kind === 'registrationDate' &&
          f.boundary === 'end' &&
          f.select === 'earliest' &&
          cmp?.op === '>' &&
          cmp.left.kind === 'candidate' &&
          cmp.left.which === 'date' &&
          cmp.right.kind === 'name' &&
          cmp.right.name === 'REG_DAT';
    if (!ok) {
      sink.add(
        'REGISTRATION_FIELD_SHAPE',
        fieldPath(f),
        f.name === 'REG_DAT'
          ? 'REG_DAT must be a RegistrationDate with boundary="start" select="latest" and Where @date <= a date parameter (P17)'
          : 'DEREG_DAT must be a RegistrationDate with boundary="end" select="earliest" and Where @date > REG_DAT (P17)',
      );
    }
  }
}
