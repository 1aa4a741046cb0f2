/**
 * The console's build: `npm run build -w @holterflow/console` (run by the root build) writes
 * dist/index.html and hashed assets, which the coordinator serves at / (apps/coordinator
 * src/console). Everything is bundled: no CDN at run time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Preact's JSX runtime (tsconfig.json says the same for the type checker).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
});
