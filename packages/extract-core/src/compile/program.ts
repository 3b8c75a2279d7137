import type { Condition } from '../spec/condition/ast.js';
import type {
  Action,
  ClusterDecl,
  FieldDecl,
  MonthArithmetic,
  ParameterDecl,
  QuerySpecDocument,
} from '../spec/model.js';
import type { ValueType } from './symbols.js';

/** A rule with its parsed condition. @internal */
export interface ProgramRule {
  readonly condition: Condition;
  /** Canonical text, for explanations. */
  readonly text: string;
  readonly ifTrue: Action;
  readonly ifFalse: Action;
}

/** A field in evaluation order with its parsed Where. @internal */
export interface ProgramField {
  readonly decl: FieldDecl;
  readonly type: ValueType;
  readonly where?: Condition;
}

/** A population in dependency order. @internal */
export interface ProgramPopulation {
  readonly name: string;
  /** Index into `populations` of the parent, or -1 for every patient not excluded. */
  readonly parent: number;
  readonly rules: readonly ProgramRule[];
}

/** A patient-level journals table with parsed includes. @internal */
export interface ProgramJournalsTable {
  readonly qid: number;
  readonly columns: readonly string[];
  readonly include: readonly { readonly cluster: number; readonly where?: Condition }[];
}

/** An output with populations resolved to indices and tables parsed. @internal */
export type ProgramOutput =
  | {
      readonly type: 'registerIndicator';
      readonly id: string;
      readonly population: number;
      readonly aid: string;
      readonly description?: string;
    }
  | {
      readonly type: 'proportionIndicator';
      readonly id: string;
      readonly population: number;
      readonly denominator: {
        readonly aid: string;
        readonly description?: string;
        readonly rules: readonly ProgramRule[];
      };
      readonly numerator: {
        readonly aid: string;
        readonly description?: string;
        readonly rules: readonly ProgramRule[];
      };
    }
  | {
      readonly type: 'count';
      readonly name: string;
      readonly population: number;
      readonly aid: string;
      readonly description?: string;
      readonly rules: readonly ProgramRule[];
    }
  | {
      readonly type: 'parameterValue';
      readonly parameter: string;
      readonly aid: string;
      readonly description?: string;
    }
  | {
      readonly type: 'patientLevelExtract';
      readonly name: string;
      readonly population: number;
      readonly patientTable?: { readonly qid: number; readonly columns: readonly string[] };
      readonly journalsTables: readonly ProgramJournalsTable[];
    };

/** The validated, resolved form of a spec that `bind` turns into closures. @internal */
export interface Program {
  readonly document: QuerySpecDocument;
  readonly monthArithmetic: MonthArithmetic;
  readonly parameters: readonly ParameterDecl[];
  readonly clusters: readonly ClusterDecl[];
  readonly clusterIndex: ReadonlyMap<string, number>;
  /** Fields in dependency order: a field's dependencies come before it. */
  readonly fields: readonly ProgramField[];
  /** Field names in declaration order (for results). */
  readonly declaredFieldOrder: readonly string[];
  readonly populations: readonly ProgramPopulation[];
  readonly populationIndex: ReadonlyMap<string, number>;
  readonly outputs: readonly ProgramOutput[];
  readonly dissentCluster: number;
  readonly dissentWithdrawnCluster: number;
  readonly type1OptOut: boolean;
}
