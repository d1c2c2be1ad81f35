// Allocator settings for the server process, passed as GLIBC_TUNABLES by everything that starts it
// (`npm start`, the systemd unit of `alyx service install`, the Docker image, the benchmarks).
//
// Why: glibc raises its mmap threshold to the size of the largest block freed so far, and its trim
// threshold to twice that. The embedded database's thread reads PGlite's 10 MB WebAssembly file at
// start; after that, memory the process frees stays in the malloc arenas instead of going back to
// the system. Fixed thresholds (blocks of 8 MB and more mapped on their own, free memory above 1 MB
// at the top of an arena returned) kept the embedded server ~35 MB smaller at start and after the
// scale-1 load, with the same throughput (bench/RESULTS.md, session 7). glibc reads them when the
// process starts, so they cannot be set from inside it; other C libraries ignore the variable.
export const GLIBC_MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=1048576:glibc.malloc.mmap_threshold=8388608';

/** `env` with the allocator settings, unless it already names tunables of its own. */
export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GLIBC_TUNABLES ? env : { ...env, GLIBC_TUNABLES: GLIBC_MALLOC_TUNABLES };
}
