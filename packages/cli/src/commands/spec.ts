import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type BoundSpec,
  type CompiledSpec,
  createTally,
  evaluatePopulation,
  explain,
  isSpecError,
  loadSpec,
  type PatientParticipation,
  type PatientRecord,
  renderExplanation,
  type SpecIssue,
  safeCompileSpec,
} from '@gpes/extract-core';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommandContext, contextOf } from '../context.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { table } from '../output.js';
import { createProgress } from '../progress.js';

const issueLine = (i: SpecIssue) => `${i.severity} ${i.code} at ${i.path}: ${i.message}`;

/** Reads, expands (code lists beside the file) and compiles a specification; issues go to the output. */
async function compile(
  io: CliIo,
  ctx: CommandContext,
  file: string,
): Promise<{ spec?: CompiledSpec; issues: readonly SpecIssue[] }> {
  const path = resolve(io.cwd, file);
  let xml: string;
  try {
    xml = await readFile(path, 'utf8');
  } catch {
    throw new CliError('INPUT_INVALID', `cannot read ${file}`);
  }
  let issues: readonly SpecIssue[];
  try {
    const doc = await loadSpec(xml, {
      readMembers: (href) => readFile(resolve(dirname(path), href), 'utf8'),
    });
    const r = safeCompileSpec(doc);
    if (r.ok) return { spec: r.value, issues: r.warnings };
    issues = r.issues;
  } catch (error) {
    if (!isSpecError(error)) throw error;
    issues = error.issues;
  }
  for (const i of issues) ctx.out.line(`  ${issueLine(i)}`);
  return { issues };
}

function failed(file: string, issues: readonly SpecIssue[]): CliError {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return new CliError('CHECK_FAILED', `${file}: ${errors} error(s); the specification does not compile`, {
    details: { issues },
  });
}

async function check(io: CliIo, command: Command, file: string) {
  const ctx = contextOf(io, command);
  const { out } = ctx;
  const { spec, issues } = await compile(io, ctx, file);
  out.result({ file, ok: spec !== undefined, id: spec?.id ?? null, issues });
  if (!spec) throw failed(file, issues);
  for (const w of issues) out.line(`  ${out.style('yellow', issueLine(w))}`);
  const d = spec.document;
  out.line(
    `${file}: ${out.style('green', 'compiles')}: ${spec.id}, ${d.populations.length} population(s), ${d.fields.length} field(s), ${d.outputs.length} output(s), ${issues.length} warning(s)`,
  );
  if (spec.parameters.length > 0) {
    const how = (b: (typeof spec.parameters)[number]['binding']) =>
      'run' in b ? 'given with --param' : 'aid' in b ? `from the RTP, aid ${b.aid}` : `fixed ${b.value}`;
    out.line(
      `parameters: ${spec.parameters.map((p) => `${p.name} (${p.type}, ${how(p.binding)})`).join(', ')}`,
    );
  }
}

interface RunOptions {
  population: string;
  param: Record<string, string>;
  participation?: string;
}

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must look like NAME=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

const NO_PARTICIPATION: PatientParticipation = {
  ncrsDetailedCareRecordSharing: false,
  ncrsPatientSealing: false,
  ncrsPdsSFlagging: false,
  exclusionCodeStrings: [],
};

async function bind(io: CliIo, ctx: CommandContext, file: string, opts: RunOptions): Promise<BoundSpec> {
  const { spec, issues } = await compile(io, ctx, file);
  if (!spec) throw failed(file, issues);
  const parameters: Record<string, string | number> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(opts.param)) {
    const decl = spec.parameters.find((p) => p.name === name);
    if (!decl) problems.push(`--param ${name}: the specification declares no such parameter`);
    else if (decl.type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) problems.push(`--param ${name}: must be a number`);
      parameters[name] = n;
    } else parameters[name] = value;
  }
  for (const p of spec.parameters) {
    if ('run' in p.binding && !(p.name in parameters)) {
      problems.push(`--param ${p.name}=…: a ${p.type} the run must give`);
    }
  }
  let participation = NO_PARTICIPATION;
  if (opts.participation !== undefined) {
    try {
      participation = {
        ...NO_PARTICIPATION,
        ...(JSON.parse(
          await readFile(resolve(io.cwd, opts.participation), 'utf8'),
        ) as Partial<PatientParticipation>),
      };
    } catch {
      problems.push(`--participation: cannot read ${opts.participation} as JSON`);
    }
  }
  if (problems.length > 0) throw new CliError('USAGE', 'the run is not fully specified', { problems });
  try {
    return await spec.bind({ parameters, participation });
  } catch (error) {
    const issues = (error as { issues?: readonly SpecIssue[] }).issues;
    throw new CliError(
      'USAGE',
      `cannot bind ${file}: ${error instanceof Error ? error.message : String(error)}`,
      {
        problems: issues?.map(issueLine) ?? [],
        cause: error,
      },
    );
  }
}

/**
 * The patients of an NDJSON file (one `PatientRecord` per line, blank lines skipped), streamed; `onBytes`
 * reports the bytes read so far.
 */
async function* readPopulation(
  io: CliIo,
  file: string,
  onBytes: (bytes: number) => void,
): AsyncGenerator<PatientRecord> {
  const stream = createReadStream(resolve(io.cwd, file));
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        throw new CliError('INPUT_INVALID', `${file} line ${n}: not valid JSON`);
      }
      if (
        typeof record !== 'object' ||
        record === null ||
        typeof (record as PatientRecord).patient !== 'object'
      ) {
        throw new CliError(
          'INPUT_INVALID',
          `${file} line ${n}: not a patient record ({ patient, registrations, journal })`,
        );
      }
      onBytes(bytes);
      yield record as PatientRecord;
    }
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'EISDIR'
    ) {
      throw new CliError('INPUT_INVALID', `cannot read ${file}`);
    }
    throw error;
  } finally {
    stream.destroy();
  }
}

async function run(io: CliIo, command: Command, file: string, opts: RunOptions) {
  const ctx = contextOf(io, command);
  const { out } = ctx;
  const bound = await bind(io, ctx, file, opts);
  let size: number;
  try {
    size = (await stat(resolve(io.cwd, opts.population))).size;
  } catch {
    throw new CliError('INPUT_INVALID', `cannot read ${opts.population}`);
  }
  const progress = createProgress(out, {
    label: `evaluating ${opts.population}`,
    total: size,
    unit: 'bytes',
  });
  const tally = createTally(bound);
  let patients = 0;
  let diagnostics = 0;
  const excluded: Record<string, number> = {};
  const populations = bound.spec.document.populations.map((p) => ({
    name: p.name,
    kind: p.kind,
    selected: 0,
  }));
  try {
    const records = readPopulation(io, opts.population, (bytes) => progress.update(bytes));
    for await (const result of evaluatePopulation(bound, records, io.signal ? { signal: io.signal } : {})) {
      patients++;
      diagnostics += result.diagnostics.length;
      if (result.excluded !== undefined) excluded[result.excluded] = (excluded[result.excluded] ?? 0) + 1;
      tally.add(result);
      for (const p of populations) if (result.populations[p.name]?.selected) p.selected++;
    }
    progress.update(size);
  } catch (error) {
    if (io.signal?.aborted) throw new CliError('INTERRUPTED', 'the run was interrupted');
    throw error;
  } finally {
    progress.stop();
  }
  const aggregates = tally.aggregates();
  out.result({
    spec: bound.spec.id,
    parameters: bound.parameterValues,
    patients,
    excluded,
    diagnostics,
    populations,
    aggregates,
  });
  out.line(`${bound.spec.id}: ${patients.toLocaleString('en-GB')} patient(s) evaluated`);
  out.line(
    table(
      ['population', 'kind', 'size'],
      populations.map((p) => [p.name, p.kind, String(p.selected)]),
      [2],
    ),
  );
  out.line();
  out.line(
    table(
      ['output', 'part', 'aid', 'count', 'description'],
      aggregates.map((a) => [a.source.output, a.source.part ?? '', a.aid, a.value, a.description ?? '']),
      [3],
    ),
  );
  const ex = Object.entries(excluded);
  out.line(`excluded: ${ex.length === 0 ? 'none' : ex.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.line(`diagnostics: ${diagnostics}`);
}

async function explainPatient(
  io: CliIo,
  command: Command,
  file: string,
  opts: RunOptions & { patient: string; includeValues?: boolean },
) {
  const ctx = contextOf(io, command);
  const bound = await bind(io, ctx, file, opts);
  let record: PatientRecord | undefined;
  for await (const r of readPopulation(io, opts.population, () => {})) {
    if (String(r.patient?.patientId) === opts.patient) {
      record = r;
      break;
    }
  }
  if (!record) throw new CliError('CHECK_FAILED', `no patient with that id in ${opts.population}`);
  const e = explain(bound, record);
  const text = renderExplanation(e, { includeValues: opts.includeValues === true });
  ctx.out.result(opts.includeValues ? e : { text });
  ctx.out.line(text);
  if (!opts.includeValues) ctx.out.info('values are hidden (patient data); --include-values shows them');
}

/** `gpes spec …`: query specifications. */
export function specCommand(program: Command, io: CliIo): void {
  const spec = program.command('spec').description('check, run and explain query specifications');
  spec
    .command('check')
    .description('compile a specification (code lists beside it) and list every issue with its location')
    .argument('<spec>', 'the specification XML')
    .action(async (file: string, _opts, cmd: Command) => check(io, cmd, file));
  const runOptions = (c: Command) =>
    c
      .requiredOption('--population <file>', 'patients as NDJSON, one record model per line')
      .option(
        '--param <name=value>',
        'a run parameter, repeatable (e.g. ACHV_DAT=2022-03-31)',
        collectParam,
        {},
      )
      .option('--participation <file>', 'RTP Patient-Participation as JSON (default: nothing excluded)');
  runOptions(
    spec
      .command('run')
      .description('evaluate a population and print the register sizes and tallies')
      .argument('<spec>', 'the specification XML'),
  ).action(async (file: string, opts: RunOptions, cmd: Command) => run(io, cmd, file, opts));
  runOptions(
    spec
      .command('explain')
      .description('explain, rule by rule, why one patient is or is not in each population')
      .argument('<spec>', 'the specification XML')
      .requiredOption('--patient <id>', 'the patient id (Patient.patientId)')
      .option('--include-values', 'show dates, codes and values (patient data)'),
  ).action(async (file: string, opts, cmd: Command) => explainPatient(io, cmd, file, opts));
}
