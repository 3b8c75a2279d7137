import type { CompiledSpec, PatientRecord, RunContext, SubsumptionProvider } from '@gpes/extract-core';
import type { RunTimeParameters } from '@gpes/messages';

/** The vendor's record store: which practices this system hosts, and each practice's patients as a stream. */
export interface PracticeRecordSource {
  /** True when this system holds the practice's records (otherwise the RTPR says `00001`). */
  hasPractice(practiceId: string): boolean | Promise<boolean>;
  /**
   * The practice's patient records, streamed. Called again for every pass over the practice: a specification with
   * patient-level outputs is read twice (aggregates first, then the records), and an interrupted evaluation is
   * redone from the start. Each call must yield the same records in the same order.
   */
  patients(practiceId: string): AsyncIterable<PatientRecord> | Iterable<PatientRecord>;
}

/** A locally held extraction requirement: the compiled specification and how to bind an RTP to it. */
export interface LocalSpecification {
  readonly spec: CompiledSpec;
  /**
   * Values for the specification's `bind="run"` parameters, derived from the RTP (for example the achievement date
   * from the SQI's reference date).
   */
  runParameters?(rtp: RunTimeParameters): Readonly<Record<string, string | number>>;
  /** Whether the extract needs a Stage 1 answer before it may run (QOF does not: CQRS manages participation). */
  readonly requiresStage1?: boolean;
  /** Descendants of `IncludeChildren` exclusion codes; required when an RTP uses them. */
  readonly subsumption?: SubsumptionProvider;
  /** The vendor's NCRS detailed-care-record-sharing decision, when an RTP asks for it. */
  readonly detailedCareRecordSharing?: RunContext['detailedCareRecordSharing'];
}

/** Finds the specification named by an SQI's query identifier (its first six hex digits). */
export type SpecificationCatalogue = (
  queryId: string,
) => LocalSpecification | undefined | Promise<LocalSpecification | undefined>;

/** A Stage 1 or Stage 2 notification as the decision callback sees it. */
export interface ParticipationRequest {
  readonly stage: 1 | 2;
  readonly practiceId: string;
  readonly scheduledQueryInstanceId?: string;
  readonly notificationId: string;
  readonly title: string;
  readonly questions: readonly {
    readonly questionId: string;
    readonly text?: string;
    /** Closed answers (`Answer-ID` with its text); empty for a free-text question. */
    readonly answers: readonly {
      readonly answerId: string;
      readonly text: string;
      readonly isDefault: boolean;
    }[];
    /** For a free-text question: its `Answer-ID` and maximum length. */
    readonly freeText?: { readonly answerId: string; readonly maxLength?: number };
  }[];
}

/** The practice's answer: whether it takes part, and the answer given to each question. */
export interface ParticipationDecision {
  readonly participate: boolean;
  readonly responses: readonly {
    readonly questionId: string;
    readonly answerId: string;
    readonly text?: string;
  }[];
}

/** The vendor's decision callback (in practice, a task a practice user answers; in the demo, a fixed policy). */
export type ParticipationPolicy = (
  request: ParticipationRequest,
) => ParticipationDecision | Promise<ParticipationDecision>;
