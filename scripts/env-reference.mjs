#!/usr/bin/env node
// Writes docs/configuration.md: every EDOC_* variable the code reads, its default and who reads it,
// with the comment that explains it where the code has one. `--check` exits 1 when the file is not
// what the code says now (the test suite runs it), so the reference cannot fall behind.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'docs', 'configuration.md');

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'dist', 'test', 'gen'].includes(name)) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Who reads a file's variables: a service by name, every service for the shared libraries, the CLI. */
function readerOf(file) {
  const [top, name] = relative(root, file).split('/');
  if (top === 'services') return name;
  if (top === 'cli') return 'CLI';
  return 'all services';
}

const files = ['libs', 'services', 'cli'].flatMap((top) => sources(join(root, top))).filter((file) => !file.includes('/libs/testing/'));
const variables = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // Read means named in a string or taken from an environment object: constants such as EDOC_CONFIG are not variables.
  // A name built from a template (`EDOC_RATE_LIMIT_${bucket.toUpperCase()}`) is listed with its part: EDOC_RATE_LIMIT_<BUCKET>.
  for (const match of text.matchAll(/(Symbol\()?(?:['"`]|env\.|env\[['"`]|[{,]\s*(?=EDOC_[A-Z0-9_]+:))(EDOC_[A-Z0-9_]*[A-Z0-9])(?:_\$\{(\w+))?/g)) {
    if (match[1] !== undefined) continue;
    const name = match[3] === undefined ? match[2] : `${match[2]}_<${match[3].toUpperCase()}>`;
    const entry = variables.get(name) ?? { readers: new Set(), defaults: new Set(), notes: [] };
    entry.readers.add(readerOf(file));
    variables.set(name, entry);
  }
  for (const match of text.matchAll(/env(?:Int|Bool)?\('(EDOC_[A-Z0-9_]+)',\s*('[^']*'|-?\d[\d_]*(?:\s*\*\s*[\d_]+)*|true|false)\s*\)/g)) {
    variables.get(match[1])?.defaults.add(match[2].replace(/_/g, '').replace(/^'(.*)'$/, '$1') || '(empty)');
  }
  lines.forEach((line, index) => {
    const comment = /^\s*(?:\/\*\*|\*|\/\/)\s?(.*?)(?:\s*\*\/)?$/.exec(line);
    if (comment === null) return;
    for (const match of comment[1].matchAll(/EDOC_[A-Z0-9_]*[A-Z0-9]/g)) {
      const entry = variables.get(match[0]);
      // The first sentence of the comment that names the variable, with the line before it when it starts mid-sentence.
      const before = index > 0 ? /^\s*(?:\/\*\*|\*|\/\/)\s?(.*)$/.exec(lines[index - 1])?.[1] ?? '' : '';
      const note = (/^[a-z(]/.test(comment[1]) && before !== '' ? `${before} ${comment[1]}` : comment[1]).replace(/\s+/g, ' ').trim();
      if (entry !== undefined && entry.notes.length < 1 && !entry.notes.includes(note)) entry.notes.push(note);
    }
  });
}

const escape = (text) => text.replace(/\|/g, '\\|');
const rows = [...variables.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, entry]) => {
    const readers = [...entry.readers].sort();
    const who = readers.includes('all services') ? ['all services', ...readers.filter((r) => r !== 'all services')] : readers;
    const defaults = [...entry.defaults];
    return `| \`${name}\` | ${defaults.length === 0 ? '—' : defaults.map((d) => `\`${escape(d)}\``).join(', ')} | ${who.join(', ')} | ${escape(entry.notes[0] ?? '')} |`;
  });

const document = `# Configuration: every EDOC_* variable

Generated from the code by \`npm run docs:env\` (scripts/env-reference.mjs); the test suite fails when
this page and the code disagree. "Default" is the value the code falls back to when the variable is
unset or empty, where the code gives a literal one; "—" means unset (the feature is off, or the value
is derived: see the note). "Read by": the services, the CLI, or every service for the shared
libraries. Secrets (passwords, keys) belong in files or in each service's own Secret, never here.

| variable | default | read by | note |
|---|---|---|---|
${rows.join('\n')}
`;

if (process.argv.includes('--check')) {
  const current = (() => {
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current !== document) {
    console.error('docs/configuration.md is not what the code says: run `npm run docs:env`');
    process.exit(1);
  }
  console.log(`docs/configuration.md lists the ${variables.size} variables the code reads`);
} else {
  writeFileSync(target, document);
  console.log(`docs/configuration.md: ${variables.size} variables`);
}
