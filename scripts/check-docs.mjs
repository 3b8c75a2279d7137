#!/usr/bin/env node
// Holds the documentation to the code. Every ```ts fence in README.md, docs/ and the packages' and examples'
// READMEs is type-checked as a module against the *built* packages, the way a supplier's strict project would see
// them (nodenext, exactOptionalPropertyTypes, noUncheckedIndexedAccess). A fence whose info string is
// `ts continued` is checked together with the fences before it in the same file (a walkthrough split by prose).
// Every relative link must name a file inside the repository that exists.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { strictConsumerCompilerOptions } from './steps.mjs';

const root = join(import.meta.dirname, '..');

function markdownFiles() {
  const found = ['README.md'];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md') && entry.name !== 'CHANGELOG.md')
        found.push(path);
    }
  };
  for (const dir of ['docs', 'packages', 'examples', '.changeset']) walk(dir);
  return found;
}

/** The ```ts fences of a Markdown file, each with the line its code starts on and whether it continues the last. */
function fences(text) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)?\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) break;
    if (open[1] === 'ts' || open[1] === 'typescript') {
      out.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n'), continued: open[2] === 'continued' });
    }
    i = end;
  }
  return out;
}

/** Relative link targets that leave the repository or do not exist. */
function badLinks(file, text) {
  const problems = [];
  const withoutCode = text.replace(/```[\s\S]*?```/g, (m) => m.replace(/[^\n]/g, ' '));
  for (const m of withoutCode.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (target === '' || /^[a-z]+:/i.test(target)) continue;
    const line = withoutCode.slice(0, m.index).split('\n').length;
    const absolute = resolve(root, dirname(file), decodeURIComponent(target));
    if (relative(root, absolute).startsWith('..'))
      problems.push(`${file}:${line}: link leaves the repository: ${m[1]}`);
    else if (!existsSync(absolute)) problems.push(`${file}:${line}: link to a missing file: ${m[1]}`);
  }
  return problems;
}

const work = mkdtempSync(join(tmpdir(), 'gpes-snippets-'));
const problems = [];
const sources = new Map(); // snippet file → { md, line, prefixLines }
try {
  // A consumer project whose node_modules holds the workspace packages (their dist/, through their exports maps).
  const modules = join(work, 'node_modules');
  mkdirSync(join(modules, '@gpes'), { recursive: true });
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const dir of readdirSync(join(root, 'packages'))) {
    const { name } = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    symlinkSync(join(root, 'packages', dir), join(modules, name), 'dir');
  }
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'), 'dir');
  // Test examples import vitest, the test runner the docs show.
  symlinkSync(join(root, 'node_modules', 'vitest'), join(modules, 'vitest'), 'dir');
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'snippets', private: true, type: 'module' }),
  );

  let n = 0;
  for (const md of markdownFiles()) {
    const text = readFileSync(join(root, md), 'utf8');
    problems.push(...badLinks(md, text));
    // The design notes this repository was started from are not part of it: docs must point at their own pages.
    for (const [i, line] of text.split('\n').entries()) {
      if (/\/work\/shared|shared reference material/.test(line))
        problems.push(`${md}:${i + 1}: refers to material outside the repository`);
    }
    let chain = [];
    for (const fence of fences(text)) {
      chain = fence.continued ? [...chain, fence] : [fence];
      const prefix = chain
        .slice(0, -1)
        .map((f) => f.code)
        .join('\n');
      const prefixLines = prefix === '' ? 0 : prefix.split('\n').length;
      const file = `snippet-${++n}.ts`;
      const body = `${prefix}${prefix === '' ? '' : '\n'}${fence.code}\n`;
      // A fence without imports or exports would be a script, sharing one global scope with every other fence.
      writeFileSync(join(work, file), /^\s*(import|export)\s/m.test(body) ? body : `${body}export {};\n`);
      sources.set(file, { md, line: fence.line, prefixLines });
    }
  }
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...strictConsumerCompilerOptions,
        lib: ['es2023'],
        noEmit: true,
        skipLibCheck: true,
      },
      include: ['snippet-*.ts'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work],
    {
      cwd: work,
      encoding: 'utf8',
    },
  );
  for (const line of tsc.stdout.split('\n')) {
    const m = /^(snippet-\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (!m) {
      if (line.trim() !== '' && !/^\s/.test(line)) problems.push(line);
      continue;
    }
    const at = sources.get(m[1]);
    const codeLine = Number(m[2]) - 1 - at.prefixLines;
    // An error inside an earlier fence of a chain is reported where that fence is, by its own check.
    if (codeLine < 0) continue;
    problems.push(`${at.md}:${at.line + codeLine}:${m[3]}: ${m[4]}`);
  }
  console.log(
    `checked ${n} TypeScript snippets and the relative links of ${markdownFiles().length} Markdown files`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} documentation problem(s).`);
  process.exit(1);
}
