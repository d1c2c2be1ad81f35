// Builds the admin UI into dist/web; the server mounts it at /admin/ (hash routing, so no
// server-side fallback is needed). Run with `npm run build:web`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from '../scripts/precompress.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/admin/',
  plugins: [react(), precompress()],
  build: {
    outDir: path.join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      output: {
        // vendor code in stable chunks of its own: the app's chunk stays small and caches well
        manualChunks(id: string) {
          if (!id.includes('node_modules')) return undefined;
          // chart code stays with the lazily loaded pages that use it
          if (/node_modules\/(recharts|d3-|victory-vendor|decimal\.js|es-toolkit|internmap)/.test(id)) return undefined;
          if (/node_modules\/(@mui|@emotion)/.test(id)) return 'mui';
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          return 'vendor';
        },
      },
    },
  },
});
