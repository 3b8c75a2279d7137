// Test support: the DM017 fixture spec, a quiet run context, and builders for synthetic records.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type BoundSpec,
  compileSpec,
  type JournalEntry,
  loadSpec,
  type PatientRecord,
  type QuerySpecDocument,
  type Registration,
  type RunContext,
  SNOMED_CT_OID,
} from '@gpes/extract-core';

const fixtures = fileURLToPath(new URL('../fixtures/dm017/', import.meta.url));

/** The DM017 fixture as XML text. */
export function dm017Xml(): Promise<string> {
  return readFile(`${fixtures}dm017.xml`, 'utf8');
}

/** The DM017 fixture with its code lists expanded. */
export async function dm017Doc(): Promise<QuerySpecDocument> {
  return loadSpec(await dm017Xml(), { readMembers: (href) => readFile(`${fixtures}${href}`, 'utf8') });
}

/** A run context with every participation flag off and no exclusion codes. */
export function quietRun(overrides: Partial<RunContext> = {}): RunContext {
  return {
    parameters: { ACHV_DAT: '2022-03-31' },
    participation: {
      ncrsDetailedCareRecordSharing: false,
      ncrsPatientSealing: true,
      ncrsPdsSFlagging: false,
      exclusionCodeStrings: [],
    },
    ...overrides,
  };
}

/** DM017 compiled and bound at ACHV_DAT (default 2022-03-31). */
export async function dm017(achv = '2022-03-31', overrides: Partial<RunContext> = {}): Promise<BoundSpec> {
  const spec = compileSpec(await dm017Doc());
  return spec.bind(quietRun({ parameters: { ACHV_DAT: achv }, ...overrides }));
}

/** A diabetes mellitus code from DM_COD and the resolved code from DMRES_COD. */
export const DM = '111552007';
export const DMRES = '315051004';

let counter = 0;

/** A synthetic journal entry (SNOMED CT by default). */
export function entry(
  code: string,
  effectiveDate: string | undefined,
  extra: Partial<JournalEntry> = {},
): JournalEntry {
  counter += 1;
  return {
    entryId: String(counter),
    codeSystem: SNOMED_CT_OID,
    code,
    ...(effectiveDate !== undefined ? { effectiveDate } : {}),
    recordedAt: `${effectiveDate ?? '2020-01-01'}T09:00:00`,
    kind: 'condition',
    ...extra,
  };
}

/** A GMS registration. */
export function gms(startDate: string, endDate?: string): Registration {
  return endDate === undefined ? { type: 'GMS', startDate } : { type: 'GMS', startDate, endDate };
}

/** A synthetic patient record: registered for GMS since 2000 and born in 1960 unless told otherwise. */
export function patient(
  journal: readonly JournalEntry[],
  options: {
    id?: string;
    dateOfBirth?: string | null;
    registrations?: readonly Registration[];
    extra?: Record<string, unknown>;
  } = {},
): PatientRecord {
  const dob = options.dateOfBirth === undefined ? '1960-01-01' : options.dateOfBirth;
  return {
    patient: {
      patientId: options.id ?? 'P1',
      practiceId: 'A99999',
      ...(dob !== null ? { dateOfBirth: dob } : {}),
      ...(options.extra ?? {}),
    },
    registrations: options.registrations ?? [gms('2000-01-01')],
    journal,
  };
}
