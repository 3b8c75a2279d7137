import type { PatientRecord } from '../record.js';
import type { MonthArithmetic } from '../spec/model.js';

/** What `bind` resolved for one run. @internal */
export interface RunSettings {
  readonly monthArithmetic: MonthArithmetic;
  /** Bound parameters: dates as day numbers, numbers, text. */
  readonly params: ReadonlyMap<string, number | string>;
  /** Bound parameters as reported: dates as `YYYY-MM-DD`. */
  readonly parameterValues: Readonly<Record<string, string | number>>;
  /** NCRS-Patient-Sealing: true = sealed data is used. */
  readonly sealedDataUsed: boolean;
  /** NCRS-PDS-S-Flagging: true = S-flagged patients are excluded. */
  readonly excludeSFlagged: boolean;
  /** Present when NCRS-Detailed-Care-Record-Sharing is true. */
  readonly careRecordSharing?: (record: PatientRecord) => 'include' | 'exclude';
  /**
   * RTP exclusion codes by code scheme, then code; the value is true when the code is also in the spec's dissent
   * cluster (so the withdrawal test of P19a applies).
   */
  readonly exclusionCodes: ReadonlyMap<string, ReadonlyMap<string, boolean>>;
}
