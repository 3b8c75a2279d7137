import type { Program } from '../compile/program.js';
import { formatDate, parseDatePart } from '../dates/calendar.js';
import { compileCondition, type Resolver } from '../evaluate/closures.js';
import type { CondFn, Ctx } from '../evaluate/context.js';
import type { PatientState } from '../evaluate/fields.js';
import { compareEntryIds } from '../evaluate/order.js';
import type { Diagnostic, PatientLevelRecord, PatientLevelRow, RuleOutcome } from '../evaluate/types.js';
import type { JournalEntry } from '../record.js';
import { encodeNumber } from './encode.js';

/** Builds a patient's `Patient-Level-Record`, or undefined when no extract selects them. @internal */
export type PatientLevelFn = (
  popOut: readonly (RuleOutcome | undefined)[],
  s: PatientState,
  c: Ctx,
  diag: (d: Diagnostic) => void,
) => PatientLevelRecord | undefined;

interface Table {
  readonly qid: number;
  readonly columns: readonly string[];
  readonly include: readonly { readonly cluster: number; readonly where: CondFn | null }[];
}

/** Compiles the patient-level extracts of a program once per run (§5.3). @internal */
export function compilePatientLevel(program: Program, r: Resolver): PatientLevelFn | undefined {
  const extracts = program.outputs.flatMap((o) =>
    o.type === 'patientLevelExtract'
      ? [
          {
            population: o.population,
            patientTable: o.patientTable,
            journals: o.journalsTables.map(
              (t): Table => ({
                qid: t.qid,
                columns: t.columns,
                include: t.include.map((inc) => ({
                  cluster: inc.cluster,
                  where: inc.where ? compileCondition(inc.where, r) : null,
                })),
              }),
            ),
          },
        ]
      : [],
  );
  if (extracts.length === 0) return undefined;
  return (popOut, s, c, diag) => {
    const patientTables: PatientLevelRow<1>[] = [];
    const journalsTables: PatientLevelRow[] = [];
    let any = false;
    for (const x of extracts) {
      if (popOut[x.population]?.selected !== true) continue;
      any = true;
      if (x.patientTable) {
        patientTables.push({
          qid: x.patientTable.qid,
          lid: 1,
          columns: patientColumns(x.patientTable.columns, s),
        });
      }
      for (const t of x.journals) journalsTables.push(...journalRows(t, s, c, diag));
    }
    return any ? { patientTables, journalsTables } : undefined;
  };
}

function text(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** @internal */
export function patientColumns(columns: readonly string[], s: PatientState): Record<string, string> {
  const p = s.patient;
  const out: Record<string, string> = {};
  for (const col of columns) {
    switch (col) {
      case 'NHS-NUMBER':
        out[col] = text(p.nhsNumber);
        break;
      case 'DATE-OF-BIRTH':
        out[col] = s.dob === null ? '' : formatDate(s.dob);
        break;
      case 'SEX':
        out[col] = text(p.sex);
        break;
      case 'POSTCODE':
        out[col] = text(p.postcode);
        break;
      case 'PRACTICE':
        out[col] = text(p.practiceId);
        break;
    }
  }
  return out;
}

function journalRows(t: Table, s: PatientState, c: Ctx, diag: (d: Diagnostic) => void): PatientLevelRow[] {
  // An entry matching several Includes appears once (§5.3).
  const chosen = new Set<number>();
  for (const inc of t.include) {
    for (const k of s.lists[inc.cluster] ?? []) {
      if (chosen.has(k)) continue;
      if (inc.where) {
        c.cd = s.dates[k] as number;
        c.ce = s.journal[k];
        if (!inc.where(c)) continue;
      }
      chosen.add(k);
    }
  }
  const order = [...chosen].sort((a, b) => {
    const d = (s.dates[a] as number) - (s.dates[b] as number);
    if (d !== 0) return d;
    const ea = s.journal[a] as JournalEntry;
    const eb = s.journal[b] as JournalEntry;
    const ra = text(ea.recordedAt);
    const rb = text(eb.recordedAt);
    if (ra !== rb) return ra < rb ? -1 : 1;
    return compareEntryIds(text(ea.entryId), text(eb.entryId));
  });
  return order.map((k, i) => ({
    qid: t.qid,
    lid: i + 1,
    columns: journalColumns(t.columns, s.journal[k] as JournalEntry, s.dates[k] as number, diag),
  }));
}

function value(x: unknown, entry: JournalEntry, diag: (d: Diagnostic) => void): string {
  if (x === undefined || x === null) return '';
  const s = typeof x === 'number' ? encodeNumber(x) : null;
  if (s === null) {
    diag({
      code: 'VALUE_NOT_ENCODABLE',
      ...(typeof entry.entryId === 'string' ? { entryId: entry.entryId } : {}),
      message: 'a value does not fit GPES-I-Numeric-Type and is written as empty',
    });
    return '';
  }
  return s;
}

/** @internal */
export function journalColumns(
  columns: readonly string[],
  e: JournalEntry,
  date: number,
  diag: (d: Diagnostic) => void,
): Record<string, string> {
  const out: Record<string, string> = {};
  const cond = e.kind === 'condition';
  const presc = e.kind === 'prescription';
  for (const col of columns) {
    switch (col) {
      case 'DATE':
        out[col] = formatDate(date);
        break;
      case 'CODE':
        out[col] = text(e.code);
        break;
      case 'VALUE1-CONDITION':
        out[col] = cond ? value(e.value1, e, diag) : '';
        break;
      case 'VALUE2-CONDITION':
        out[col] = cond ? value(e.value2, e, diag) : '';
        break;
      case 'VALUE1-PRESCRIPTION':
        out[col] = presc ? value(e.value1, e, diag) : '';
        break;
      case 'VALUE2-PRESCRIPTION':
        out[col] = presc ? value(e.value2, e, diag) : '';
        break;
      case 'RECORD-DATE': {
        const d = parseDatePart(e.recordedAt);
        out[col] = d === null ? '' : formatDate(d);
        break;
      }
      case 'EPISODE-CONDITION':
        out[col] = cond ? text(e.episode) : '';
        break;
      case 'EPISODE-PRESCRIPTION':
        out[col] = presc ? text(e.episode) : '';
        break;
      case 'LINKS':
        out[col] = Array.isArray(e.links) ? e.links.filter((l) => typeof l === 'string').join(':') : '';
        break;
    }
  }
  return out;
}
