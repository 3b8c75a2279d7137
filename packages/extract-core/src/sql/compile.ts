import type { Program, ProgramOutput, ProgramRule } from '../compile/program.js';
import type { BoundSpec } from '../compile/types.js';
import { formatDate } from '../dates/calendar.js';
import { type BoundEngine, ENGINE } from '../evaluate/engine.js';
import type { RunSettings } from '../evaluate/settings.js';
import { tallyKey } from '../evaluate/tally.js';
import { SNOMED_CT_OID } from '../record.js';
import type { Condition } from '../spec/condition/ast.js';
import { ageSql, conditionSql, type SqlScope } from './expr.js';
import { commentText, Params } from './params.js';
import { unsupported } from './unsupported.js';

/** Options of {@link compileSpecToSql}. */
export interface CompileSpecToSqlOptions {
  /** The only dialect so far: PostgreSQL 13+ and engines compatible with it (PGlite, Citus). */
  readonly dialect?: 'postgres';
  /**
   * Schema holding the input model (`patient`, `registration`, `journal`): tables from {@link inputModelDdl} or
   * views over the supplier's own tables. Letters, digits and `_` only.
   * @default 'gpes'
   */
  readonly schema?: string;
}

/** One generated statement: SQL text with `$n` placeholders and the values to bind (`$1`, the practice, is null). */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * A bound specification compiled to PostgreSQL. Every statement reads one practice (`$1`) and holds no session
 * state, so practices can run in parallel on separate connections or on the shards of a distributed engine.
 */
export interface SqlProgram {
  readonly dialect: 'postgres';
  readonly schema: string;
  /** The bound spec the SQL was compiled from. */
  readonly bound: BoundSpec;
  /** One row per patient: exclusion, every field, every table outcome. Ordered by patient id (code points). */
  readonly patients: SqlStatement;
  /** One row: the count behind every aggregate output. */
  readonly tally: SqlStatement;
  /** Patient-level table rows of selected patients, in message order; absent without patient-level extracts. */
  readonly patientLevel?: SqlStatement;
  /** All statements with a list of their parameters, for review. */
  toSql(): string;
}

const LAYOUTS = new WeakMap<SqlProgram, SqlLayout>();

/** The result layout of a compiled program. @internal */
export function layoutOf(program: SqlProgram): SqlLayout {
  const l = LAYOUTS.get(program);
  if (!l) throw new TypeError('not an SqlProgram from compileSpecToSql');
  return l;
}

/** How result columns map back to the program. @internal */
export interface SqlLayout {
  readonly program: Program;
  /** Aggregate columns of the tally row, in `tally` order: `a1`, `a2`, … keyed by tally key. */
  readonly tallyKeys: readonly string[];
  /** Patient-level extracts: output index in the program, and whether its table 0 is the patient table. */
  readonly extracts: readonly { readonly output: number }[];
}

const EPOCH = `DATE '1970-01-01'`;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Sort keys of an entry id (P11): numeric when all digits, else by code points. */
function idOrder(col: string, dir: '' | ' DESC'): string {
  return [
    `CASE WHEN ${col} ~ '^[0-9]+$' THEN length(ltrim(${col}, '0')) END${dir}`,
    `CASE WHEN ${col} ~ '^[0-9]+$' THEN ltrim(${col}, '0') END COLLATE "C"${dir}`,
    `${col} COLLATE "C"${dir}`,
  ].join(', ');
}

function engineOf(bound: BoundSpec): BoundEngine {
  const engine = (bound as unknown as Record<symbol, BoundEngine | undefined>)[ENGINE];
  if (!engine) throw new TypeError('compileSpecToSql needs a BoundSpec from CompiledSpec.bind');
  return engine;
}

function indent(s: string, by: string): string {
  return s.replace(/\n/g, `\n${by}`);
}

/**
 * Compiles a bound specification to PostgreSQL: per patient the participation exclusions (P19), every field,
 * every population, indicator and count outcome, the aggregate tallies and the patient-level rows, with the
 * policies of the run (P1-P22, both month-arithmetic settings). Dates, numbers, texts and code lists from the
 * spec and the run are bind parameters; the SQL text depends only on the spec.
 *
 * Diagnostics (P22) are not produced by SQL; results agree with the evaluator in everything else.
 * @param bound a spec bound to a run (`CompiledSpec.bind`).
 * @param options dialect and input schema.
 * @throws SpecError `NOT_COMPILABLE_TO_SQL` naming a construct that cannot run as SQL (e.g. a
 *   `detailedCareRecordSharing` hook, which is JavaScript).
 */
export function compileSpecToSql(bound: BoundSpec, options: CompileSpecToSqlOptions = {}): SqlProgram {
  const dialect = options.dialect ?? 'postgres';
  if (dialect !== 'postgres') throw new TypeError(`unknown SQL dialect: ${String(dialect)}`);
  const schema = options.schema ?? 'gpes';
  if (!IDENT.test(schema)) throw new TypeError('schema must be letters, digits and _ (at most 63)');
  const engine = engineOf(bound);
  const program = engine.program;
  const settings = engine.settings;
  if (settings.careRecordSharing) {
    throw unsupported(
      '/RunContext/detailedCareRecordSharing',
      'the NCRS-Detailed-Care-Record-Sharing hook is a JavaScript function; evaluate this run in JavaScript',
    );
  }
  const params = new Params();
  const ctx = new Ctx(program, settings, params, schema);
  const resultCte = ctx.result();
  const withClause = `WITH\n${ctx.ctes().join(',\n')},\n${resultCte}`;
  const header = (what: string) =>
    `-- ${what}\n-- Query specification ${commentText(program.document.id)}, compiled by @gpes/extract-core.\n-- $1 is the practice; every other value is a bind parameter.`;

  const patientCols = ctx.patientColumns();
  const patientsText = `${header('Per-patient results')}\n${withClause}\nSELECT\n  ${patientCols.join(',\n  ')}\nFROM result r\nORDER BY r.patient_id COLLATE "C"`;

  const tally = ctx.tallyColumns();
  const tallyText = `${header('Aggregate tallies')}\n${withClause}\nSELECT\n  ${
    tally.cols.length > 0 ? tally.cols.join(',\n  ') : '0 AS none'
  }\nFROM result r`;

  const pl = ctx.patientLevelParts();
  const patientLevelText =
    pl.parts.length === 0
      ? undefined
      : `${header('Patient-level rows')}\n${withClause}\nSELECT * FROM (\n  ${pl.parts
          .map((p) => indent(p, '  '))
          .join('\n  UNION ALL\n  ')}\n) t\nORDER BY t.patient_id COLLATE "C", t.ext, t.tbl, t.lid`;

  const stmt = (text: string): SqlStatement => compact(text, params);
  const patients = stmt(patientsText);
  const tallyStmt = stmt(tallyText);
  const patientLevel = patientLevelText === undefined ? undefined : stmt(patientLevelText);
  const toSql = () =>
    [patients, tallyStmt, ...(patientLevel ? [patientLevel] : [])]
      .map(
        (st) =>
          `${st.text};\n-- Parameters:\n${(st as Labelled)[LABELS].map((l, i) => `--   $${i + 1}: ${l}`).join('\n')}`,
      )
      .join('\n\n');
  const out: SqlProgram = Object.freeze({
    dialect: 'postgres' as const,
    schema,
    bound,
    patients,
    tally: tallyStmt,
    ...(patientLevel ? { patientLevel } : {}),
    toSql,
  });
  LAYOUTS.set(out, { program, tallyKeys: tally.keys, extracts: pl.extracts });
  return out;
}

const LABELS = Symbol('labels');
type Labelled = SqlStatement & { readonly [LABELS]: readonly string[] };

/** Renumbers a statement's placeholders to the parameters it uses ($1, the practice, stays first). */
function compact(text: string, params: Params): SqlStatement {
  const map = new Map<number, number>([[1, 1]]);
  const values: unknown[] = [null];
  const labels: string[] = [params.labels[0] as string];
  const out = text.replace(/\$(\d+)::/g, (_m, d: string) => {
    const n = Number(d);
    let k = map.get(n);
    if (k === undefined) {
      values.push(params.values[n - 1]);
      labels.push(params.labels[n - 1] as string);
      k = values.length;
      map.set(n, k);
    }
    return `$${k}::`;
  });
  const st = { text: out, values: Object.freeze(values) };
  Object.defineProperty(st, LABELS, { value: Object.freeze(labels) });
  return Object.freeze(st);
}

/** Outcome code of a rule table: 0 for an empty table, else `2 × rule + (ifFalse ? 1 : 0)`. @internal */
export function selectingCodes(rules: readonly ProgramRule[]): number[] {
  if (rules.length === 0) return [0];
  const out: number[] = [];
  rules.forEach((r, i) => {
    if (r.ifTrue === 'select') out.push(2 * (i + 1));
    if (r.ifFalse === 'select') out.push(2 * (i + 1) + 1);
  });
  return out;
}

function selectedSql(col: string, rules: readonly ProgramRule[]): string {
  const codes = selectingCodes(rules);
  return codes.length === 0 ? 'false' : `coalesce(${col} IN (${codes.join(', ')}), false)`;
}

/** Generates the pieces of one program's SQL. */
class Ctx {
  private readonly snomed: string;
  private readonly sealedUsed: string;
  private readonly rollForward: string;
  private readonly clusterCodes: string[];

  constructor(
    private readonly program: Program,
    private readonly settings: RunSettings,
    private readonly params: Params,
    private readonly schema: string,
  ) {
    this.snomed = params.add(SNOMED_CT_OID, 'text', 'SNOMED CT code system');
    this.sealedUsed = params.add(
      settings.sealedDataUsed,
      'boolean',
      'NCRS-Patient-Sealing (sealed data used)',
    );
    this.rollForward = params.add(
      settings.monthArithmetic === 'rollForward',
      'boolean',
      'month arithmetic rolls forward (P7)',
    );
    this.clusterCodes = program.clusters.map((c, i) =>
      params.add(this.snomedMembers(i), 'text[]', `codes of cluster ${commentText(c.name)}`),
    );
  }

  /** P16: clusters are SNOMED CT reference sets; a cluster of another scheme matches nothing. */
  private snomedMembers(cluster: number): string[] {
    const c = this.program.clusters[cluster];
    return c?.codeSystem === SNOMED_CT_OID ? [...new Set(c.members.map((m) => m.code))] : [];
  }

  private t(name: string): string {
    return `${this.schema}.${name}`;
  }

  /** The journal rows of the practice that count: sealed entries only when sealed data is used (P19d). */
  private journalWhere(alias: string): string {
    return `${alias}.practice_id = $1::text AND (${alias}.sealed IS NOT TRUE OR ${this.sealedUsed})`;
  }

  ctes(): string[] {
    const p = this.program;
    const s = this.settings;
    const pa = this.params;
    const schemes: string[] = [];
    const codes: string[] = [];
    const dissent: boolean[] = [];
    for (const [scheme, m] of s.exclusionCodes) {
      for (const [code, d] of m) {
        schemes.push(scheme);
        codes.push(code);
        dissent.push(d);
      }
    }
    const none = pa.add([], 'text[]', 'no codes');
    const dissentCodes = p.dissentCluster >= 0 ? (this.clusterCodes[p.dissentCluster] as string) : none;
    const withdrawnCodes =
      p.dissentWithdrawnCluster >= 0 ? (this.clusterCodes[p.dissentWithdrawnCluster] as string) : none;
    const clusterNos: number[] = [];
    const clusterMembers: string[] = [];
    p.clusters.forEach((c, i) => {
      if (c.codeSystem !== SNOMED_CT_OID) return;
      for (const code of new Set(c.members.map((m) => m.code))) {
        clusterNos.push(i + 1);
        clusterMembers.push(code);
      }
    });
    // Every code a participation row can match, as one array: `code = ANY(...)` lets the planner read only those
    // rows through the (practice_id, code) index instead of scanning all of the practice's journal.
    // An entry with neither date fails closed (P19): as the latest dissent, or as a withdrawal before any dissent.
    const pdate = (alias: string, undated: 'infinity' | '-infinity') =>
      `coalesce(${alias}.effective_date, ${alias}.recorded_at::date, DATE '${undated}')`;
    const participationCodes = pa.add(
      [
        ...new Set([
          ...codes,
          ...(p.dissentCluster >= 0 ? this.snomedMembers(p.dissentCluster) : []),
          ...(p.dissentWithdrawnCluster >= 0 ? this.snomedMembers(p.dissentWithdrawnCluster) : []),
        ]),
      ].sort(),
      'text[]',
      'every exclusion, dissent and withdrawal code',
    );
    const members = pa.add(clusterMembers, 'text[]', 'codes of every cluster');
    return [
      `patient AS (\n  SELECT p.practice_id, p.patient_id, p.nhs_number, p.date_of_birth, p.sex, p.date_of_death, p.postcode,\n    p.pds_sensitive, p.record_sealed\n  FROM ${this.t('patient')} p\n  WHERE p.practice_id = $1::text\n)`,
      `-- P19a/P19b: latest dissent, withdrawal and exclusion-code dates (effective date, else the recorded date)\nexclusion_code(code_system, code, dissent) AS (\n  SELECT * FROM unnest(${pa.add(schemes, 'text[]', 'RTP exclusion code schemes')}, ${pa.add(codes, 'text[]', 'RTP exclusion codes')}, ${pa.add(dissent, 'boolean[]', 'RTP exclusion code is a dissent code')})\n)`,
      `participation AS (\n  SELECT j.patient_id,\n    max(${pdate('j', 'infinity')}) FILTER (WHERE j.code_system = ${this.snomed} AND j.code = ANY(${dissentCodes})) AS dissent_latest,\n    max(${pdate('j', '-infinity')}) FILTER (WHERE j.code_system = ${this.snomed} AND j.code = ANY(${withdrawnCodes})) AS withdrawn_latest,\n    coalesce(bool_or(x.dissent = false), false) AS exclusion_present,\n    max(${pdate('j', 'infinity')}) FILTER (WHERE x.dissent) AS exclusion_dissent_latest\n  FROM ${this.t('journal')} j\n  LEFT JOIN exclusion_code x ON x.code_system = j.code_system AND x.code = j.code\n  WHERE ${this.journalWhere('j')}\n    AND j.code = ANY(${participationCodes})\n    AND (x.code IS NOT NULL OR (j.code_system = ${this.snomed} AND (j.code = ANY(${dissentCodes}) OR j.code = ANY(${withdrawnCodes}))))\n  GROUP BY j.patient_id\n)`,
      `-- P9, P16: dated SNOMED CT entries in the spec's clusters, one array element per (entry, cluster)\nentry AS (\n  SELECT j.patient_id, array_agg(c.cluster_no) AS c, array_agg(j.effective_date) AS d, array_agg(j.recorded_at) AS r,\n    array_agg(j.entry_id) AS i, array_agg(j.value1) AS v1, array_agg(j.value2) AS v2\n  FROM ${this.t('journal')} j\n  JOIN unnest(${members}, ${pa.add(clusterNos, 'int[]', 'cluster number of each code')}) c(code, cluster_no) ON c.code = j.code\n  WHERE ${this.journalWhere('j')} AND j.code = ANY(${members}) AND j.code_system = ${this.snomed} AND j.effective_date IS NOT NULL\n  GROUP BY j.patient_id\n)`,
      `-- P17: GMS registrations only\ngms AS (\n  SELECT g.patient_id, array_agg(g.start_date) AS s, array_agg(g.end_date) AS e\n  FROM ${this.t('registration')} g\n  WHERE g.practice_id = $1::text AND g.registration_type = 'GMS'\n  GROUP BY g.patient_id\n)`,
    ];
  }

  /** Field references: `f3.v` inside the result CTE, `r.f3` over its rows. */
  private fieldRef(column: (n: number) => string) {
    const p = this.program;
    const index = new Map(p.fields.map((f, i) => [f.decl.name, i] as const));
    return (name: string) => {
      const i = index.get(name);
      if (i === undefined) return undefined;
      return { sql: column(i + 1), type: p.fields[i]?.type as string };
    };
  }

  private scope(
    path: string,
    field: SqlScope['field'],
    extra: Partial<Pick<SqlScope, 'candidate' | 'position'>> = {},
  ): SqlScope {
    const s = this.settings;
    const paramsDecl = new Map(this.program.parameters.map((p) => [p.name, p.type] as const));
    return {
      params: this.params,
      field,
      param: (name) => ({
        value: s.params.get(name) as number | string,
        type: paramsDecl.get(name) as 'date' | 'number' | 'text',
      }),
      rollForward: this.rollForward,
      path,
      ...extra,
    };
  }

  private cond(c: Condition | undefined, s: SqlScope): string {
    return c ? ` AND ${conditionSql(c, s)}` : '';
  }

  private fieldSql(i: number): string {
    const f = this.program.fields[i] as Program['fields'][number];
    const d = f.decl;
    const ref = this.fieldRef((n) => `f${n}.v`);
    const path = `/QuerySpecification/Fields/*[@name="${commentText(d.name)}"]`;
    const entryScope = this.scope(path, ref, { candidate: { date: 'j.d', value1: 'j.v1', value2: 'j.v2' } });
    const entries = 'unnest(e.c, e.d, e.r, e.i, e.v1, e.v2) AS j(c, d, r, i, v1, v2)';
    const clusterNo = (name: string) => (this.program.clusterIndex.get(name) as number) + 1;
    const tieOrder = (tie: string, v: string) =>
      tie === 'min'
        ? `${v}`
        : tie === 'max'
          ? `${v} DESC`
          : // P11: an entry without recordedAt counts as recorded before every entry with one.
            `j.r DESC NULLS LAST, ${idOrder('j.i', ' DESC')}`;
    switch (d.kind) {
      case 'patientAttribute': {
        const col = {
          patientId: 'p.patient_id',
          nhsNumber: 'p.nhs_number',
          dateOfBirth: 'p.date_of_birth',
          dateOfDeath: 'p.date_of_death',
          sex: 'p.sex',
          postcode: 'p.postcode',
        }[d.attribute];
        if (!col) throw unsupported(path, `patient attribute ${commentText(String(d.attribute))}`);
        return col;
      }
      case 'age': {
        const at = ref(d.at);
        const atSql = at
          ? at.sql
          : this.params.add(paramDate(this.settings, d.at), 'date', `parameter ${d.at}`);
        return ageSql('p.date_of_birth', atSql);
      }
      case 'registrationDate': {
        const col = d.boundary === 'start' ? 'g.s' : 'g.e';
        const s = this.scope(path, ref, { candidate: { date: col } });
        return `(SELECT ${d.select === 'latest' ? 'max' : 'min'}(${col}) FROM unnest(r.s, r.e) AS g(s, e) WHERE ${col} IS NOT NULL${this.cond(f.where, s)})`;
      }
      case 'date': {
        const agg = d.select === 'latest' ? 'max' : 'min';
        if ('cluster' in d.source) {
          return `(SELECT ${agg}(j.d) FROM ${entries} WHERE j.c = ${clusterNo(d.source.cluster)}${this.cond(f.where, entryScope)})`;
        }
        const arr = ref(d.source.fromArray);
        if (!arr) throw unsupported(path, 'a date from an unknown array');
        const s = this.scope(path, ref, { candidate: { date: 'a.d' }, position: 'a.n' });
        return `(SELECT ${agg}(a.d) FROM unnest(${arr.sql}) WITH ORDINALITY AS a(d, n) WHERE true${this.cond(f.where, s)})`;
      }
      case 'dateArray':
        return `coalesce((SELECT array_agg(DISTINCT j.d ORDER BY j.d) FROM ${entries} WHERE j.c = ${clusterNo(d.cluster)}${this.cond(f.where, entryScope)}), '{}'::date[])`;
      case 'value': {
        const on = ref(d.recordedOn);
        if (!on) throw unsupported(path, 'a value recorded on an unknown date');
        const v = d.slot === 'value1' ? 'j.v1' : 'j.v2';
        return `(SELECT ${v} FROM ${entries} WHERE j.c = ${clusterNo(d.cluster)} AND j.d = ${on.sql} AND ${v} IS NOT NULL${this.cond(f.where, entryScope)} ORDER BY ${tieOrder(d.tie, v)} LIMIT 1)`;
      }
      case 'valueArray': {
        const on = ref(d.recordedOnEach);
        if (!on) throw unsupported(path, 'values recorded on an unknown date array');
        const v = d.slot === 'value1' ? 'j.v1' : 'j.v2';
        return `ARRAY(SELECT (SELECT ${v} FROM ${entries} WHERE j.c = ${clusterNo(d.cluster)} AND j.d = a.d AND ${v} IS NOT NULL${this.cond(f.where, entryScope)} ORDER BY ${tieOrder(d.tie, v)} LIMIT 1) FROM unnest(${on.sql}) WITH ORDINALITY AS a(d, n) ORDER BY a.n)`;
      }
      case 'latestOf':
      case 'earliestOf': {
        const args = d.of.map((n) => ref(n)?.sql ?? 'NULL::date');
        return `${d.kind === 'latestOf' ? 'GREATEST' : 'LEAST'}(${args.join(', ')})`;
      }
      default:
        throw unsupported(path, `field kind ${commentText(String((d as { kind: unknown }).kind))}`);
    }
  }

  private tableSql(rules: readonly ProgramRule[], path: string, field: SqlScope['field']): string {
    if (rules.length === 0) return '0';
    const gen = (i: number, depth: string): string => {
      const r = rules[i] as ProgramRule;
      const t = r.ifTrue === 'next' ? null : 2 * (i + 1);
      const f = r.ifFalse === 'next' ? null : 2 * (i + 1) + 1;
      if (t === null && f === null) return gen(i + 1, depth);
      const c = conditionSql(r.condition, this.scope(`${path}/Rule[${i + 1}]`, field));
      const next = () => gen(i + 1, `${depth}  `);
      return `CASE WHEN ${c} -- rule ${i + 1}\n${depth}  THEN ${t ?? next()}\n${depth}  ELSE ${f ?? next()} END`;
    };
    return gen(0, '    ');
  }

  /** The `result` CTE: one row per patient with raw values. */
  result(): string {
    const p = this.program;
    const ref = this.fieldRef((n) => `f${n}.v`);
    const t1 = p.type1OptOut ? 'true' : 'false';
    const lat: string[] = [];
    lat.push(
      `CROSS JOIN LATERAL (SELECT CASE -- P19, in order\n    WHEN ${t1} AND pa.dissent_latest IS NOT NULL AND NOT coalesce(pa.withdrawn_latest > pa.dissent_latest, false) THEN 'TYPE1_OPT_OUT'\n    WHEN pa.exclusion_present OR (pa.exclusion_dissent_latest IS NOT NULL AND NOT coalesce(pa.withdrawn_latest > pa.exclusion_dissent_latest, false)) THEN 'EXCLUSION_CODE'\n    WHEN ${this.params.add(this.settings.excludeSFlagged, 'boolean', 'NCRS-PDS-S-Flagging (exclude S-flagged)')} AND p.pds_sensitive IS TRUE THEN 'PDS_S_FLAG'\n    WHEN NOT ${this.sealedUsed} AND p.record_sealed IS TRUE THEN 'RECORD_SEALED'\n  END AS excluded) x`,
    );
    const cols = ['p.patient_id', 'x.excluded'];
    p.fields.forEach((f, i) => {
      lat.push(
        `-- field ${i + 1}: ${commentText(f.decl.name)}\nCROSS JOIN LATERAL (SELECT ${this.fieldSql(i)} AS v) f${i + 1}`,
      );
      cols.push(`f${i + 1}.v AS f${i + 1}`);
    });
    p.populations.forEach((pop, i) => {
      const entered =
        pop.parent < 0
          ? 'x.excluded IS NULL'
          : selectedSql(`p${pop.parent + 1}.o`, (p.populations[pop.parent] as typeof pop).rules);
      const path = `/QuerySpecification/Populations/Population[@name="${commentText(pop.name)}"]`;
      lat.push(
        `-- population ${i + 1}: ${commentText(pop.name)}\nCROSS JOIN LATERAL (SELECT CASE WHEN ${entered} THEN\n    ${this.tableSql(pop.rules, path, ref)}\n  END AS o) p${i + 1}`,
      );
      cols.push(`p${i + 1}.o AS p${i + 1}`);
    });
    p.outputs.forEach((o, i) => {
      const n = i + 1;
      if (o.type === 'proportionIndicator') {
        const pop = p.populations[o.population] as Program['populations'][number];
        const path = `/QuerySpecification/Outputs/Indicator[@id="${commentText(o.id)}"]`;
        lat.push(
          `-- indicator ${commentText(o.id)}: denominator, then numerator\nCROSS JOIN LATERAL (SELECT CASE WHEN ${selectedSql(`p${o.population + 1}.o`, pop.rules)} THEN\n    ${this.tableSql(o.denominator.rules, `${path}/Denominator`, ref)}\n  END AS o) d${n}`,
        );
        lat.push(
          `CROSS JOIN LATERAL (SELECT CASE WHEN ${selectedSql(`d${n}.o`, o.denominator.rules)} THEN\n    ${this.tableSql(o.numerator.rules, `${path}/Numerator`, ref)}\n  END AS o) n${n}`,
        );
        cols.push(`d${n}.o AS d${n}`, `n${n}.o AS n${n}`);
      } else if (o.type === 'count') {
        const pop = p.populations[o.population] as Program['populations'][number];
        const path = `/QuerySpecification/Outputs/Count[@name="${commentText(o.name)}"]`;
        lat.push(
          `-- count ${commentText(o.name)}\nCROSS JOIN LATERAL (SELECT CASE WHEN ${selectedSql(`p${o.population + 1}.o`, pop.rules)} THEN\n    ${this.tableSql(o.rules, path, ref)}\n  END AS o) c${n}`,
        );
        cols.push(`c${n}.o AS c${n}`);
      }
    });
    cols.push('p.nhs_number', 'p.date_of_birth', 'p.sex', 'p.postcode', 'p.practice_id');
    return `result AS (\n  SELECT ${cols.join(', ')}\n  FROM patient p\n  LEFT JOIN participation pa ON pa.patient_id = p.patient_id\n  LEFT JOIN entry e ON e.patient_id = p.patient_id\n  LEFT JOIN gms r ON r.patient_id = p.patient_id\n  ${indent(lat.join('\n'), '  ')}\n)`;
  }

  /** Columns of the per-patient statement: dates as day numbers (days since 1970-01-01). */
  patientColumns(): string[] {
    const p = this.program;
    const cols = ['r.patient_id', 'r.excluded'];
    p.fields.forEach((f, i) => {
      const c = `r.f${i + 1}`;
      if (f.type === 'date') cols.push(`(${c} - ${EPOCH}) AS f${i + 1}`);
      else if (f.type === 'dateArray')
        cols.push(
          `ARRAY(SELECT u.x - ${EPOCH} FROM unnest(${c}) WITH ORDINALITY AS u(x, n) ORDER BY u.n) AS f${i + 1}`,
        );
      else cols.push(c);
    });
    p.populations.forEach((_, i) => {
      cols.push(`r.p${i + 1}`);
    });
    p.outputs.forEach((o, i) => {
      if (o.type === 'proportionIndicator') cols.push(`r.d${i + 1}`, `r.n${i + 1}`);
      else if (o.type === 'count') cols.push(`r.c${i + 1}`);
    });
    return cols;
  }

  tallyColumns(): { cols: string[]; keys: string[] } {
    const p = this.program;
    const cols: string[] = [];
    const keys: string[] = [];
    const add = (key: string, cond: string) => {
      keys.push(key);
      cols.push(`(count(*) FILTER (WHERE ${cond}))::int AS a${keys.length}`);
    };
    const popRules = (i: number) => (p.populations[i] as Program['populations'][number]).rules;
    p.outputs.forEach((o: ProgramOutput, i) => {
      const n = i + 1;
      if (o.type === 'registerIndicator')
        add(tallyKey.register(o.id), selectedSql(`r.p${o.population + 1}`, popRules(o.population)));
      else if (o.type === 'proportionIndicator') {
        add(tallyKey.denominator(o.id), selectedSql(`r.d${n}`, o.denominator.rules));
        add(
          tallyKey.numerator(o.id),
          `${selectedSql(`r.d${n}`, o.denominator.rules)} AND ${selectedSql(`r.n${n}`, o.numerator.rules)}`,
        );
      } else if (o.type === 'count') add(tallyKey.count(o.name), selectedSql(`r.c${n}`, o.rules));
    });
    return { cols, keys };
  }

  patientLevelParts(): { parts: string[]; extracts: { output: number }[] } {
    const p = this.program;
    const parts: string[] = [];
    const extracts: { output: number }[] = [];
    const ref = this.fieldRef((n) => `r.f${n}`);
    const journalCols = `j.effective_date - ${EPOCH} AS d, j.code, j.kind, j.value1, j.value2, j.recorded_at::date - ${EPOCH} AS rd, j.episode, j.links, j.entry_id`;
    const noJournal = `NULL::int AS d, NULL::text AS code, NULL::text AS kind, NULL::float8 AS value1, NULL::float8 AS value2, NULL::int AS rd, NULL::text AS episode, NULL::text[] AS links, NULL::text AS entry_id`;
    const noPatient = `NULL::text AS nhs_number, NULL::int AS dob, NULL::text AS sex, NULL::text AS postcode, NULL::text AS practice_id`;
    p.outputs.forEach((o, oi) => {
      if (o.type !== 'patientLevelExtract') return;
      const x = extracts.length + 1;
      extracts.push({ output: oi });
      const selected = selectedSql(
        `r.p${o.population + 1}`,
        (p.populations[o.population] as Program['populations'][number]).rules,
      );
      const path = `/QuerySpecification/Outputs/PatientLevelExtract[@name="${commentText(o.name)}"]`;
      // Table 0 is the patient table (when there is one); journals tables follow in order.
      parts.push(
        `-- extract ${commentText(o.name)}: the patient table, or a marker row that the patient is selected\nSELECT r.patient_id, ${x} AS ext, 0 AS tbl, 1 AS lid, r.nhs_number, r.date_of_birth - ${EPOCH} AS dob, r.sex, r.postcode, r.practice_id, ${noJournal}\nFROM result r WHERE ${selected}`,
      );
      o.journalsTables.forEach((t, ti) => {
        const include = t.include
          .map((inc, k) => {
            const s = this.scope(`${path}/JournalsTable[@qid="${t.qid}"]/Include[${k + 1}]`, ref, {
              candidate: { date: 'j.effective_date', value1: 'j.value1', value2: 'j.value2' },
            });
            return `(j.code = ANY(${this.clusterCodes[inc.cluster]})${this.cond(inc.where, s)})`;
          })
          .join('\n    OR ');
        // The union of the includes' codes, so that the planner can use the (practice_id, code) index.
        const codes = this.params.add(
          [...new Set(t.include.flatMap((inc) => this.snomedMembers(inc.cluster)))].sort(),
          'text[]',
          `codes of journals table ${t.qid}`,
        );
        parts.push(
          `-- extract ${commentText(o.name)}, journals table ${t.qid}: an entry matching several includes appears once\nSELECT r.patient_id, ${x} AS ext, ${ti + 1} AS tbl,\n  row_number() OVER (PARTITION BY r.patient_id ORDER BY j.effective_date, j.recorded_at NULLS FIRST, ${idOrder('j.entry_id', '')})::int AS lid,\n  ${noPatient}, ${journalCols}\nFROM result r\nJOIN ${this.t('journal')} j ON ${this.journalWhere('j')} AND j.patient_id = r.patient_id\nWHERE ${selected} AND j.code = ANY(${codes}) AND j.code_system = ${this.snomed} AND j.effective_date IS NOT NULL\n  AND (${include.length > 0 ? include : 'false'})`,
        );
      });
    });
    return { parts, extracts };
  }
}

function paramDate(settings: RunSettings, name: string): string | null {
  const v = settings.params.get(name);
  return typeof v === 'number' ? formatDate(v) : null;
}
