// The embedded server's V8 heap growth (src/ops/heap-tuning.ts): only on the embedded database, a
// flag this Node knows (set from inside the process, V8 would ignore a misspelt one silently), and
// one that keeps a heap closer to what it holds alive.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { heapFlagsFor, startFlagsFor } from '../../src/ops/heap-tuning.ts';

/** A child process that keeps ~20 MB alive and promotes garbage; prints its largest heap (MB). */
function largestHeap(flags: string[]): number {
  const script = `
    const v8 = require('node:v8');
    for (const f of ${JSON.stringify(flags)}) v8.setFlagsFromString(f);
    const live = Array.from({ length: 200000 }, (_, i) => ({ i, s: 'x'.repeat(40) + i }));
    const ring = new Array(50000);
    let max = 0;
    for (let n = 0; n < 1500000; n++) {
      ring[n % ring.length] = { n, s: 'y'.repeat(30) + n };
      if (n % 10000 === 0) max = Math.max(max, v8.getHeapStatistics().total_heap_size);
    }
    console.log(live.length && max / 2 ** 20);`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

describe('the heap settings of the server process', () => {
  it('apply to the embedded database only', () => {
    expect(heapFlagsFor(true).length).toBeGreaterThan(0);
    expect(heapFlagsFor(false)).toEqual([]);
  });

  it('are flags this Node accepts (it refuses an unknown one on its command line)', () => {
    for (const flag of [...heapFlagsFor(true), ...startFlagsFor(false)]) {
      expect(() => execFileSync(process.execPath, [flag, '-e', '0'], { stdio: 'pipe' }), flag).not.toThrow();
    }
  });

  it('keep a heap that holds the same objects smaller than V8 left alone does', () => {
    const tuned = largestHeap(heapFlagsFor(true));
    const untuned = largestHeap([]);
    expect(tuned).toBeLessThan(untuned * 0.75);
  }, 30_000);
});

describe('the start flags of a server on PostgreSQL', () => {
  it('give V8 a larger young generation than its default', () => {
    const newSpace = (flags: string[]) =>
      Number(
        execFileSync(process.execPath, [...flags, '-e', `
          const v8 = require('node:v8');
          const keep = [];
          for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 40000) keep.splice(0, 20000); }
          console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)`], { encoding: 'utf8' }).trim(),
      );
    expect(newSpace(startFlagsFor(false))).toBeGreaterThan(newSpace([]) * 1.5);
  }, 30_000);
});
