import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLIBC_MALLOC_TUNABLES, withMallocTunables } from '../../src/ops/malloc-tuning.ts';

const LD_SO = '/lib64/ld-linux-x86-64.so.2';

describe('the allocator settings of the server process', () => {
  it("are added to an environment without tunables, and a user's own tunables are kept", () => {
    expect(withMallocTunables({ PATH: '/bin' })).toEqual({ PATH: '/bin', GLIBC_TUNABLES: GLIBC_MALLOC_TUNABLES });
    const own = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    expect(withMallocTunables(own)).toBe(own);
  });

  // glibc ignores a misspelt tunable silently: its loader lists the values a process would start with
  it.runIf(fs.existsSync(LD_SO))('are read by glibc as the values they name', () => {
    const listed = execFileSync(LD_SO, ['--list-tunables'], { encoding: 'utf8', env: withMallocTunables({}) });
    for (const setting of GLIBC_MALLOC_TUNABLES.split(':')) {
      const [name, value] = setting.split('=');
      const line = listed.split('\n').find((l) => l.startsWith(`${name}:`));
      expect(line, name).toBeDefined();
      expect(Number(/: (0x[0-9a-f]+)/.exec(line!)?.[1])).toBe(Number(value));
    }
  });
});
