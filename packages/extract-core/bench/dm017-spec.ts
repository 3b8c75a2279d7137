/**
 * The DM017 fixture spec (fixtures/dm017) and the run used by the differential test, the parallel tests and the
 * benchmark. The extract-core API is passed in, so the same helper serves the TypeScript sources (tests) and the
 * built package (benchmark, packaging tests).
 */
import { readFile } from 'node:fs/promises';
import type { RunContext } from '../src/bind/types.js';
import type { BoundSpec } from '../src/compile/types.js';
import type { compileSpec, loadSpec } from '../src/index.js';
import type { QuerySpecDocument } from '../src/spec/model.js';
import type { Dm017Run } from './dm017-by-hand.js';

/** ACHV_DAT of the runs: the end of the QOF 2021/22 year. */
export const DM017_REFERENCE_DATE = '2022-03-31';

const FIXTURE = new URL('../fixtures/dm017/', import.meta.url);

/** The subset of the package API the helpers need. */
export interface Dm017Api {
  readonly loadSpec: typeof loadSpec;
  readonly compileSpec: typeof compileSpec;
}

/** The run: sealed data withheld (NCRS-Patient-Sealing false) and S-flagged patients excluded, so P19c/d apply. */
export function dm017RunContext(achievementDate = DM017_REFERENCE_DATE): RunContext {
  return {
    parameters: { ACHV_DAT: achievementDate },
    participation: {
      ncrsDetailedCareRecordSharing: false,
      ncrsPatientSealing: false,
      ncrsPdsSFlagging: true,
      exclusionCodeStrings: [],
    },
  };
}

/** The fixture, with its cluster members expanded from the CSV files beside it. */
export async function loadDm017Document(api: Dm017Api): Promise<QuerySpecDocument> {
  const xml = await readFile(new URL('dm017.xml', FIXTURE), 'utf8');
  return api.loadSpec(xml, { readMembers: (href) => readFile(new URL(href, FIXTURE), 'utf8') });
}

/** The fixture compiled and bound to {@link dm017RunContext}. */
export async function bindDm017(api: Dm017Api, run: RunContext = dm017RunContext()): Promise<BoundSpec> {
  return api.compileSpec(await loadDm017Document(api)).bind(run);
}

/** The hand-written function's view of the same run, with the cluster members read from the same CSV files. */
export async function dm017HandRun(achievementDate = DM017_REFERENCE_DATE): Promise<Dm017Run> {
  const codes = async (file: string) =>
    new Set(
      (await readFile(new URL(`codelists/${file}`, FIXTURE), 'utf8'))
        .split(/\r?\n/)
        .slice(1)
        .map((line) => line.split(',')[0]?.trim() ?? '')
        .filter((code) => code !== ''),
    );
  const run = dm017RunContext(achievementDate);
  return {
    achievementDate,
    dmCodes: await codes('dm_cod.csv'),
    dmresCodes: await codes('dmres_cod.csv'),
    ncrsPatientSealing: run.participation.ncrsPatientSealing,
    ncrsPdsSFlagging: run.participation.ncrsPdsSFlagging,
  };
}
