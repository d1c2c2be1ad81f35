// The package's root directory, whether this module runs from src/ (tsx, tests) or compiled from
// dist/server/ (bin/alyx.mjs): files outside the compiled tree (the web UI build) are found from it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = path.basename(here) === 'src' ? path.dirname(here) : path.resolve(here, '..', '..');
