// bench/scale-report.ts: the ratios to upstream, the targets and the section of bench/RESULTS.md that
// bench/scale.ts writes (no benchmark runs here).
import { describe, expect, it } from 'vitest';
import { harnessFigures, ratio, renderChecks, renderTable, replaceSection, sectionHeading, targetFor, upstreamBasis, verdict, type UpstreamFigures } from '../../bench/scale-report.ts';

const upstream: UpstreamFigures = {
  comment: '',
  measured: '2026-12-04',
  scenarios: {
    a: { noStats: 30, analyzed: 40 },
    b: { noStats: 10, analyzed: 20 },
    c: { noStats: 2, analyzed: null },
    d: { noStats: 8, analyzed: 16 },
    e: { noStats: 1.5, analyzed: null },
    f: { noStats: 13, analyzed: 12 },
    g: { noStats: 7, analyzed: null },
  },
};
const fig = (rps: number, p99 = 10, errors = 0) => ({ rps, p50: p99 / 2, p99, errors, requests: 1000 });

describe('ratios and targets', () => {
  it('compares the no-statistics copy with upstream without statistics, the others with upstream analyzed when it has that figure', () => {
    expect(upstreamBasis(upstream, 'a', 'pg-nostats')).toBe(30);
    expect(upstreamBasis(upstream, 'a', 'pg')).toBe(40);
    expect(upstreamBasis(upstream, 'a', 'embedded')).toBe(40);
    expect(upstreamBasis(upstream, 'c', 'pg')).toBe(2);
    expect(ratio(600, 40)).toBe(15);
    expect(ratio(undefined, 40)).toBeNull();
    expect(ratio(10, null)).toBeNull();
  });

  it('reads need 15× on PostgreSQL analyzed and 5× elsewhere, register-file keeps 105× and 37×, auth-token is only reported', () => {
    expect(targetFor('a', 'pg')).toBe(15);
    expect(targetFor('f', 'embedded')).toBe(5);
    expect(targetFor('d', 'pg-nostats')).toBe(5);
    expect(targetFor('e', 'pg')).toBe(105);
    expect(targetFor('e', 'embedded')).toBe(37);
    expect(targetFor('e', 'pg-nostats')).toBeNull();
    expect(targetFor('g', 'pg')).toBeNull();
  });

  it('says which database misses its target, and counts failed requests as a miss', () => {
    expect(verdict(upstream, 'a', { pg: { a: fig(600) }, embedded: { a: fig(200) }, 'pg-nostats': { a: fig(150) } })).toBe('yes');
    expect(verdict(upstream, 'a', { pg: { a: fig(599) }, embedded: { a: fig(199) } })).toBe(
      'no: PostgreSQL, analyzed 15.0× < 15×; embedded 5.0× < 5×',
    );
    expect(verdict(upstream, 'b', { pg: { b: fig(1000, 10, 3) } })).toBe('no: PostgreSQL, analyzed: 3 failed requests');
    expect(verdict(upstream, 'g', { pg: { g: fig(1) } })).toBe('report only (hash-bound)');
    expect(verdict(upstream, 'c', {})).toBe('–');
  });
});

describe('the table and the checks', () => {
  it('has a row per scenario run, in upstream order, with dashes where a database did not run it', () => {
    const lines = renderTable(upstream, { pg: { a: fig(612.34, 17.8), e: fig(108, 300), g: fig(10.5) }, embedded: { a: fig(240.5, 40) }, 'pg-nostats': { a: fig(700) } });
    expect(lines.slice(2)).toEqual([
      '| a `GET /sessions?subject&date_range` | 30.0 | 40.0 | 700.0 | 23.3 | 612.3 | 15.3 | 240.5 | 6.0 | 17.8 | 40.0 | yes |',
      '| g `POST /auth-token` (PBKDF2) | 7.0 | – | – | – | 10.5 | 1.5 | – | – | 10.0 | – | report only (hash-bound) |',
      '| e `POST /register-file`, 10 files | 1.5 | – | – | – | 108.0 | 72.0 | – | – | 300.0 | – | no: PostgreSQL, analyzed 72.0× < 105× |',
    ]);
  });

  it('marks failed requests under the table', () => {
    const lines = renderTable(upstream, { pg: { b: fig(500, 10, 2) } });
    expect(lines[2]).toContain('| 500.0* |');
    expect(lines.at(-1)).toBe('\\* failed requests (non-2xx answers or socket errors): b on PostgreSQL, analyzed: 2 of 1000.');
  });

  it('judges the embedded memory and the list pages p99 on PostgreSQL', () => {
    const lines = renderChecks(
      { pg: { rssMb: 164.2, peakMb: 241 }, embedded: { rssMb: 332, peakMb: 355.4 } },
      { pg: { a: fig(600, 17.8), b: fig(400, 33.4), c: fig(80, 136.5), d: fig(270, 50.8), f: fig(200, 76.8) } },
    );
    expect(lines).toEqual([
      '**Memory**, RSS of the server process after its load (/proc/PID/status VmRSS, peak VmHWM): PostgreSQL, analyzed 164 MB (peak 241 MB); embedded 332 MB (peak 355 MB) (target < 300 MB: not met).',
      '**p99 of the list pages**, PostgreSQL, analyzed (target < 50 ms, 8 connections): a 17.8 ms (yes), b 33.4 ms (yes), c 136.5 ms (no), f 76.8 ms (no).',
    ]);
  });

  it("reads bench.py's results by scenario letter", () => {
    expect(harnessFigures({ scenarios: { b_datasets_by_session: { rps: 1.5, p50_ms: 2, p99_ms: 3, errors: 0, requests: 9 } } })).toEqual({
      b: { rps: 1.5, p50: 2, p99: 3, errors: 0, requests: 9 },
    });
  });
});

describe('replaceSection', () => {
  const heading = sectionHeading(1);
  it('puts a new section right after the title and keeps the others', () => {
    const text = '# Benchmark results\n\n## Session 6\n\ntext 6\n\n## Start-up\n\nrows\n';
    expect(replaceSection(text, heading, `${heading}\n\nnew\n`)).toBe(`# Benchmark results\n\n${heading}\n\nnew\n\n## Session 6\n\ntext 6\n\n## Start-up\n\nrows\n`);
  });

  it('replaces the section of the same heading, subsections included, wherever it was', () => {
    const text = `# Benchmark results\n\n## Session 6\n\ntext 6\n\n${heading}\n\nold\n\n### detail\n\nold detail\n\n## Start-up\n\nrows\n`;
    const out = replaceSection(text, heading, `${heading}\n\nnew\n`);
    expect(out).toBe(`# Benchmark results\n\n${heading}\n\nnew\n\n## Session 6\n\ntext 6\n\n## Start-up\n\nrows\n`);
    expect(replaceSection(out, heading, `${heading}\n\nnew\n`)).toBe(out);
    expect(replaceSection(out, sectionHeading(0.1), `${sectionHeading(0.1)}\n\nother scale\n`)).toContain(`${heading}\n\nnew\n`);
  });
});
