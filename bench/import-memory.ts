// `alyx import` memory and speed: generates upstream-shaped dumps of 100k and 300k rows (subjects,
// sessions with user/project links and parent sessions, datasets, file records) to /tmp, imports
// each into a fresh embedded database in a child process, and reports the child's peak RSS
// (process.resourceUsage().maxRSS) and rows/s → bench/import-memory.md.
//
//   npx tsx bench/import-memory.ts                     this tree
//   npx tsx bench/import-memory.ts --base DIR          also a source tree to compare with (e.g. an
//                                                      earlier commit: git archive <rev> src | tar -x -C DIR)
// The child is `import-memory.ts --child TREE DUMP`: it opens TREE's code, so an older importer
// (which takes a list) is measured on the same dump as this one (which streams).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDump, genRowCount, type GenShape } from '../test/import/generated-dump.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

interface ChildResult {
  rows: number;
  seconds: number;
  maxRssMb: number;
  /** RSS once the database is open, before the import */
  openRssMb: number;
  inserted: number;
}

async function child(tree: string, dump: string): Promise<void> {
  const { loadConfig } = await import(path.join(tree, 'src/config.ts'));
  const { openServices } = await import(path.join(tree, 'src/db/setup.ts'));
  const read = await import(path.join(tree, 'src/db/import/read.ts'));
  const { importDump } = await import(path.join(tree, 'src/db/import/importer.ts'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-import-bench-'));
  try {
    const config = loadConfig({ ALYX_DATA_DIR: dataDir, ALYX_LAB: 'benchlab', ALYX_TIME_ZONE: 'Europe/London', ALYX_LOG: 'off' } as NodeJS.ProcessEnv, ROOT);
    const services = await openServices(config);
    const openRssMb = process.memoryUsage().rss / 2 ** 20;
    const s = performance.now();
    // this tree streams the file; an older tree reads it whole, as its CLI did
    const source = read.streamDumpFile ? read.streamDumpFile(dump) : await read.readDumpFile(dump);
    const report = await importDump(services.db, source);
    const seconds = (performance.now() - s) / 1000;
    const counts = Object.values(report.models) as Array<{ rows: number; inserted: number }>;
    const result: ChildResult = {
      rows: counts.reduce((n, c) => n + c.rows, 0),
      seconds,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      openRssMb,
      inserted: counts.reduce((n, c) => n + c.inserted, 0),
    };
    await services.handle.close();
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function writeDump(file: string, shape: GenShape): void {
  const fd = fs.openSync(file, 'w');
  let buf = '[';
  let first = true;
  for (const row of generateDump(shape)) {
    buf += (first ? '\n' : ',\n') + JSON.stringify(row);
    first = false;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf + '\n]\n');
  fs.closeSync(fd);
}

function runChild(tree: string, dump: string): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', tree, dump], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result from the child:\n${out}`);
  return JSON.parse(line.slice(7)) as ChildResult;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  const base = args[0] === '--base' ? path.resolve(args[1]) : null;
  // 91 rows per subject: a subject, 10 sessions, 4 datasets and 4 file records per session
  const sizes: Array<[string, GenShape]> = [
    ['100k', { subjects: 1099, sessionsPerSubject: 10, datasetsPerSession: 4 }],
    ['300k', { subjects: 3297, sessionsPerSubject: 10, datasetsPerSession: 4 }],
  ];
  const lines: string[] = [];
  for (const [name, shape] of sizes) {
    const file = path.join(os.tmpdir(), `alyx-import-bench-${name}.json`);
    if (!fs.existsSync(file)) writeDump(file, shape);
    const mb = fs.statSync(file).size / 2 ** 20;
    for (const [label, tree] of [['this tree', ROOT], ...(base ? [['base', base]] : [])] as Array<[string, string]>) {
      const r = runChild(tree, file);
      const line = `| ${name} (${genRowCount(shape)} rows, ${mb.toFixed(0)} MB) | ${label} | ${r.maxRssMb.toFixed(0)} MB | ${r.openRssMb.toFixed(0)} MB | ${r.seconds.toFixed(1)} s | ${Math.round(r.rows / r.seconds)} |`;
      console.log(line);
      lines.push(line);
    }
  }
  const md = [
    '# alyx import: memory and speed',
    '',
    `Generated by \`npx tsx bench/import-memory.ts${base ? ' --base DIR' : ''}\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores, Node ${process.version}).`,
    'Each dump is imported into a fresh embedded (PGlite) database in a child process. Peak RSS is the',
    "child's `process.resourceUsage().maxRSS`; it includes PGlite's own memory (RSS after opening the",
    'database is shown beside it). Dumps: subjects, sessions (users/projects links, a parent session), datasets, file records.',
    '',
    '| dump | code | peak RSS | RSS after open | import time | rows/s |',
    '|---|---|---|---|---|---|',
    ...lines,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(HERE, 'import-memory.md'), md);
}

await main();
