import { parameterElement, pred, ROOT } from '../compile/paths.js';
import type { Program } from '../compile/program.js';
import type { BoundSpec, CompiledSpec } from '../compile/types.js';
import { formatDate, parseDatePart, parseIsoDate, parseUkDate } from '../dates/calendar.js';
import { ExtractConfigError, SpecError, type SpecIssue } from '../errors.js';
import { BoundEngine } from '../evaluate/engine.js';
import type { RunSettings } from '../evaluate/settings.js';
import { SNOMED_CT_OID } from '../record.js';
import type { ParameterDecl } from '../spec/model.js';
import type { RunContext } from './types.js';

/** RTP multi-value separator (P20). */
const SECTION_SIGN = '\u00a7';

function parseDateValue(raw: string): number | null {
  const s = raw.trim();
  return parseIsoDate(s) ?? parseUkDate(s) ?? (s.length > 10 && s[10] === 'T' ? parseDatePart(s) : null);
}

/** Parses one bound value for a parameter's type; dates become day numbers. */
function parseValue(p: ParameterDecl, raw: string | number): number | string | null {
  if (p.type === 'date') return typeof raw === 'string' ? parseDateValue(raw) : null;
  if (p.type === 'number') {
    if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
    return /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : null;
  }
  return typeof raw === 'number' ? String(raw) : raw;
}

/** P20: every parameter gets exactly one value, from the spec, the run or the RTP, or `bind` fails. */
function bindParameters(program: Program, run: RunContext): RunSettings['params'] {
  const issues: SpecIssue[] = [];
  const params = new Map<string, number | string>();
  for (const p of program.parameters) {
    const path = `${ROOT}/Parameters/${parameterElement(p.type)}${pred('name', p.name)}`;
    const fail = (message: string) =>
      issues.push({ code: 'BAD_PARAMETER_BINDING', severity: 'error', path, message });
    let raw: string | number | undefined;
    const b = p.binding;
    if ('value' in b) raw = b.value;
    else if ('run' in b) {
      raw = run.parameters?.[p.name];
      if (raw === undefined) {
        fail(`no value for '${p.name}' in RunContext.parameters`);
        continue;
      }
    } else {
      const matches = (run.substitutionValues ?? []).filter((s) => s?.aid === b.aid);
      if (matches.length !== 1) {
        fail(
          matches.length === 0
            ? `no Substitution-Value with AID ${b.aid}`
            : `several Substitution-Values with AID ${b.aid}`,
        );
        continue;
      }
      const parts = String((matches[0] as { value: string }).value).split(SECTION_SIGN);
      if (parts.length !== 1) {
        fail(`the Substitution-Value with AID ${b.aid} has ${parts.length} values; '${p.name}' takes one`);
        continue;
      }
      raw = parts[0] as string;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      fail(`the value of '${p.name}' must be a string or a number`);
      continue;
    }
    const v = parseValue(p, raw);
    if (v === null) fail(`the value of '${p.name}' is not a valid ${p.type}`);
    else params.set(p.name, v);
  }
  if (issues.length > 0) throw new SpecError(issues);
  return params;
}

function isBool(x: unknown): x is boolean {
  return typeof x === 'boolean';
}

/**
 * Binds a compiled program to a run (P19, P20, P7). Resolves IncludeChildren exclusion codes through the
 * subsumption provider once per run (P15).
 * @internal
 */
export async function bindProgram(spec: CompiledSpec, program: Program, run: RunContext): Promise<BoundSpec> {
  if (typeof run !== 'object' || run === null) {
    throw new ExtractConfigError('INVALID_RUN_CONTEXT', 'the run context must be an object');
  }
  const part = run.participation;
  if (
    typeof part !== 'object' ||
    part === null ||
    !isBool(part.ncrsDetailedCareRecordSharing) ||
    !isBool(part.ncrsPatientSealing) ||
    !isBool(part.ncrsPdsSFlagging) ||
    !Array.isArray(part.exclusionCodeStrings)
  ) {
    throw new ExtractConfigError(
      'INVALID_RUN_CONTEXT',
      'RunContext.participation needs the three NCRS booleans and an exclusionCodeStrings list',
    );
  }
  const monthArithmetic = run.policies?.monthArithmetic ?? program.monthArithmetic;
  if (monthArithmetic !== 'clamp' && monthArithmetic !== 'rollForward') {
    throw new ExtractConfigError(
      'INVALID_RUN_CONTEXT',
      'policies.monthArithmetic must be "clamp" or "rollForward"',
    );
  }
  if (part.ncrsDetailedCareRecordSharing && typeof run.detailedCareRecordSharing !== 'function') {
    throw new ExtractConfigError(
      'CARE_RECORD_SHARING_HOOK_REQUIRED',
      'NCRS-Detailed-Care-Record-Sharing is true and no detailedCareRecordSharing hook is configured',
    );
  }
  const params = bindParameters(program, run);

  const dissentCodes = new Set(
    program.dissentCluster >= 0
      ? (program.clusters[program.dissentCluster]?.members ?? []).map((m) => m.code)
      : [],
  );
  const exclusionCodes = new Map<string, Map<string, boolean>>();
  const add = (scheme: string, code: string) => {
    let m = exclusionCodes.get(scheme);
    if (!m) {
      m = new Map();
      exclusionCodes.set(scheme, m);
    }
    m.set(code, scheme === SNOMED_CT_OID && dissentCodes.has(code));
  };
  for (const ecs of part.exclusionCodeStrings) {
    if (
      typeof ecs !== 'object' ||
      ecs === null ||
      typeof ecs.codeSchemeId !== 'string' ||
      !Array.isArray(ecs.codeValues)
    ) {
      throw new ExtractConfigError(
        'INVALID_RUN_CONTEXT',
        'an exclusion code string needs a codeSchemeId and codeValues',
      );
    }
    for (const cv of ecs.codeValues) {
      if (typeof cv !== 'object' || cv === null || typeof cv.code !== 'string') {
        throw new ExtractConfigError('INVALID_RUN_CONTEXT', 'an exclusion code value needs a code');
      }
      add(ecs.codeSchemeId, cv.code);
      if (cv.includeChildren !== true) continue;
      if (!run.subsumption || typeof run.subsumption.descendantsOf !== 'function') {
        throw new ExtractConfigError(
          'SUBSUMPTION_PROVIDER_REQUIRED',
          'an exclusion code includes its descendants and no SubsumptionProvider is configured',
        );
      }
      let descendants: Iterable<string>;
      try {
        descendants = await run.subsumption.descendantsOf(ecs.codeSchemeId, cv.code);
        for (const d of descendants) {
          if (typeof d !== 'string') throw new TypeError('descendantsOf returned a non-string code');
          add(ecs.codeSchemeId, d);
        }
      } catch (cause) {
        throw new ExtractConfigError(
          'SUBSUMPTION_PROVIDER_FAILED',
          'the SubsumptionProvider failed to list descendants',
          {
            cause,
          },
        );
      }
    }
  }

  const parameterValues: Record<string, string | number> = {};
  for (const p of program.parameters) {
    const v = params.get(p.name) as number | string;
    parameterValues[p.name] = p.type === 'date' ? formatDate(v as number) : v;
  }
  const settings: RunSettings = {
    monthArithmetic,
    params,
    parameterValues: Object.freeze(parameterValues),
    sealedDataUsed: part.ncrsPatientSealing,
    excludeSFlagged: part.ncrsPdsSFlagging,
    ...(part.ncrsDetailedCareRecordSharing && run.detailedCareRecordSharing
      ? { careRecordSharing: run.detailedCareRecordSharing }
      : {}),
    exclusionCodes,
  };
  return new BoundEngine(spec, program, settings);
}
