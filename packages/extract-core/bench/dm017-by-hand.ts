/**
 * The QOF v46 diabetes register (GMS registration status → DM_REG → DM017), written by hand from
 * business-rules §2 and the policies it depends on (P4, P6, P9, P10, P13, P14, P16, P17, P19c/d), without any
 * code from the general evaluator. The differential test checks the evaluator against it patient by patient, and
 * the benchmark uses it as the single-purpose baseline. It is deliberately plain: string comparison of ISO dates
 * (which orders them correctly), one pass over the journal, no allocation beyond the result.
 */
import type { PatientRecord } from '../src/record.js';

const SNOMED_CT_OID = '2.16.840.1.113883.2.1.3.2.4.15';

/** The run the hand-written register is evaluated for: the achievement date and the two NCRS flags it honours. */
export interface Dm017Run {
  /** ACHV_DAT, `YYYY-MM-DD`. */
  readonly achievementDate: string;
  /** DM_COD members. */
  readonly dmCodes: ReadonlySet<string>;
  /** DMRES_COD members. */
  readonly dmresCodes: ReadonlySet<string>;
  /** RTP NCRS-Patient-Sealing: false removes sealed entries and excludes sealed records (P19d). */
  readonly ncrsPatientSealing: boolean;
  /** RTP NCRS-PDS-S-Flagging: true excludes S-flagged patients (P19c). */
  readonly ncrsPdsSFlagging: boolean;
}

/** How one rule table decided: 1-based rule number and the branch taken (business-rules P1). */
export interface Dm017Decision {
  readonly selected: boolean;
  readonly rule: number;
  readonly branch: 'ifTrue' | 'ifFalse';
}

export interface Dm017Result {
  readonly patientId: string;
  readonly excluded?: 'PDS_S_FLAG' | 'RECORD_SEALED';
  readonly REG_DAT: string | null;
  readonly DEREG_DAT: string | null;
  readonly PAT_AGE: number | null;
  readonly DMLAT_DAT: string | null;
  readonly DMRES_DAT: string | null;
  /** The GMS registration status table. */
  readonly GMS_REG?: Dm017Decision;
  /** DM_REG, only for patients GMS_REG selected. */
  readonly DM_REG?: Dm017Decision;
}

/** Evaluates one patient. */
export function dm017ByHand(record: PatientRecord, run: Dm017Run): Dm017Result {
  const { patient } = record;
  const ach = run.achievementDate;
  const none = { patientId: patient.patientId, REG_DAT: null, DEREG_DAT: null, PAT_AGE: null };
  if (run.ncrsPdsSFlagging && patient.pdsSensitive === true) {
    return { ...none, excluded: 'PDS_S_FLAG', DMLAT_DAT: null, DMRES_DAT: null };
  }
  if (!run.ncrsPatientSealing && patient.recordSealed === true) {
    return { ...none, excluded: 'RECORD_SEALED', DMLAT_DAT: null, DMRES_DAT: null };
  }

  // REG_DAT: latest GMS start on or before ACHV_DAT. DEREG_DAT: earliest GMS end strictly after REG_DAT.
  let reg: string | null = null;
  for (const r of record.registrations) {
    if (r.type === 'GMS' && r.startDate <= ach && (reg === null || r.startDate > reg)) reg = r.startDate;
  }
  let dereg: string | null = null;
  if (reg !== null) {
    for (const r of record.registrations) {
      const end = r.endDate;
      if (r.type === 'GMS' && end !== undefined && end > reg && (dereg === null || end < dereg)) dereg = end;
    }
  }

  const age = ageInFullYears(patient.dateOfBirth, ach);

  // DMLAT_DAT: latest dated SNOMED DM_COD entry <= ACHV_DAT. Sealed entries are gone when sealing is off.
  let dmlat: string | null = null;
  for (const e of record.journal) {
    const d = e.effectiveDate;
    if (d === undefined || d > ach || e.codeSystem !== SNOMED_CT_OID) continue;
    if (e.sealed === true && !run.ncrsPatientSealing) continue;
    if (run.dmCodes.has(e.code) && (dmlat === null || d > dmlat)) dmlat = d;
  }
  // DMRES_DAT: latest DMRES_COD entry strictly after DMLAT_DAT and <= ACHV_DAT; null when DMLAT_DAT is null (P4).
  let dmres: string | null = null;
  if (dmlat !== null) {
    for (const e of record.journal) {
      const d = e.effectiveDate;
      if (d === undefined || d > ach || d <= dmlat || e.codeSystem !== SNOMED_CT_OID) continue;
      if (e.sealed === true && !run.ncrsPatientSealing) continue;
      if (run.dmresCodes.has(e.code) && (dmres === null || d > dmres)) dmres = d;
    }
  }

  const fields = { patientId: patient.patientId, REG_DAT: reg, DEREG_DAT: dereg, PAT_AGE: age };
  // GMS registration status: (REG ≠ Null AND DEREG = Null) OR (REG ≠ Null AND DEREG > ACHV_DAT); Select | Reject.
  const registered = reg !== null && (dereg === null || dereg > ach);
  const gms: Dm017Decision = registered
    ? { selected: true, rule: 1, branch: 'ifTrue' }
    : { selected: false, rule: 1, branch: 'ifFalse' };
  if (!registered) return { ...fields, DMLAT_DAT: dmlat, DMRES_DAT: dmres, GMS_REG: gms };

  // DM_REG rule 1: DMLAT ≠ Null AND DMRES = Null → next, else reject.
  // Rule 2: PAT_AGE < 17 → reject, else select. A null age compares false (P4), so it selects.
  let dm: Dm017Decision;
  if (!(dmlat !== null && dmres === null)) dm = { selected: false, rule: 1, branch: 'ifFalse' };
  else if (age !== null && age < 17) dm = { selected: false, rule: 2, branch: 'ifTrue' };
  else dm = { selected: true, rule: 2, branch: 'ifFalse' };
  return { ...fields, DMLAT_DAT: dmlat, DMRES_DAT: dmres, GMS_REG: gms, DM_REG: dm };
}

/** P13: full years; a 29 February birthday is reached on 1 March in other years. Negative when born later. */
function ageInFullYears(dateOfBirth: string | undefined, at: string): number | null {
  if (dateOfBirth === undefined) return null;
  const by = Number(dateOfBirth.slice(0, 4));
  const ay = Number(at.slice(0, 4));
  // Comparing MM-DD as text orders (month, day) pairs; 02-29 sorts after 02-28, so it falls to 1 March.
  return ay - by - (at.slice(5) < dateOfBirth.slice(5) ? 1 : 0);
}
