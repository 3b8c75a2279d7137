import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type DecodeIssue, detectMessage, MESSAGE_KINDS, MESSAGES, type MessageKind } from '@gpes/messages';
import type { Command } from 'commander';
import { contextOf } from '../context.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { issueLine, MESSAGE_CODECS } from '../message-codecs.js';

async function readInput(io: CliIo, file: string): Promise<Buffer> {
  try {
    return await readFile(resolve(io.cwd, file));
  } catch {
    throw new CliError('INPUT_INVALID', `cannot read ${file}`);
  }
}

function detect(bytes: Buffer, file: string): MessageKind {
  const detected = detectMessage(bytes);
  if (!detected) {
    throw new CliError('CHECK_FAILED', `${file} is not a GPES message`, {
      hints: [
        'A GPES message is XML with a GPES-I root element and namespace, or the extraction status report CSV.',
      ],
    });
  }
  return detected.kind;
}

async function validate(io: CliIo, command: Command, file: string, opts: { includeValues?: boolean }) {
  const { out } = contextOf(io, command);
  const bytes = await readInput(io, file);
  const kind = detect(bytes, file);
  const result = MESSAGE_CODECS[kind].decode(bytes, { includeValues: opts.includeValues === true });
  const issues: readonly DecodeIssue[] = result.ok ? [] : result.issues;
  out.result({ file, kind, title: MESSAGES[kind].title, valid: result.ok, issues });
  if (result.ok) {
    out.line(`${file}: ${out.style('green', 'valid')} ${kind} (${MESSAGES[kind].title})`);
    return;
  }
  out.line(`${file}: ${out.style('red', `${issues.length} issue(s)`)} in ${kind} (${MESSAGES[kind].title})`);
  for (const issue of issues) out.line(`  ${issueLine(issue)}`);
  if (!opts.includeValues)
    out.info('values are hidden (they may be patient data); --include-values shows them');
  throw new CliError('CHECK_FAILED', `${file} is not a valid ${kind} message`, {
    details: { printed: true },
  });
}

async function convert(
  io: CliIo,
  command: Command,
  file: string,
  opts: { output?: string; includeValues?: boolean },
) {
  const { out } = contextOf(io, command);
  const bytes = await readInput(io, file);
  const options = { includeValues: opts.includeValues === true };
  let text: string;
  const start = bytes.subarray(0, 64).toString('utf8').trimStart();
  if (start.startsWith('{')) {
    // JSON model → message.
    let doc: { kind?: unknown; message?: unknown };
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new CliError('INPUT_INVALID', `${file} is not valid JSON`);
    }
    const kind = doc.kind as MessageKind;
    if (typeof doc.kind !== 'string' || !MESSAGE_KINDS.includes(kind) || doc.message === undefined) {
      throw new CliError(
        'INPUT_INVALID',
        `${file} must hold { "kind": one of ${MESSAGE_KINDS.join(', ')}, "message": … }`,
      );
    }
    try {
      text = MESSAGE_CODECS[kind].encode(doc.message, options);
    } catch (error) {
      const issues = (error as { issues?: readonly DecodeIssue[] }).issues;
      if (!issues) throw error;
      for (const issue of issues) out.error(issueLine(issue));
      throw new CliError('CHECK_FAILED', `${file} does not hold a valid ${kind} model`);
    }
  } else {
    const kind = detect(bytes, file);
    const result = MESSAGE_CODECS[kind].decode(bytes, options);
    if (!result.ok) {
      for (const issue of result.issues) out.error(issueLine(issue));
      throw new CliError('CHECK_FAILED', `${file} is not a valid ${kind} message; nothing converted`);
    }
    text = `${JSON.stringify({ kind, message: result.value }, null, 2)}\n`;
  }
  if (opts.output !== undefined) {
    await writeFile(resolve(io.cwd, opts.output), text);
    out.info(`wrote ${opts.output}`);
  } else {
    io.stdout.write(text);
  }
}

/** `gpes message …`: GPES messages on disk. */
export function messageCommand(program: Command, io: CliIo): void {
  const message = program.command('message').description('validate and convert GPES messages');
  message
    .command('validate')
    .description('detect which GPES message a file is, decode it, and list every issue with its path')
    .argument('<file>', 'the message (XML, or the report CSV)')
    .option('--include-values', 'show the offending values in issues (they may be patient data)')
    .action(async (file: string, opts, cmd: Command) => validate(io, cmd, file, opts));
  message
    .command('convert')
    .description(
      'convert a message to its JSON model ({ kind, message }), or a JSON model back to the message',
    )
    .argument('<file>', 'a message (XML or CSV) or a JSON model')
    .option('-o, --output <file>', 'write to this file (default: stdout)')
    .option('--include-values', 'show the offending values in issues (they may be patient data)')
    .action(async (file: string, opts, cmd: Command) => convert(io, cmd, file, opts));
}
