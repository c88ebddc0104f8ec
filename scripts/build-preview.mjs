// Bundles the preview page of `mvt-build serve` into dist/preview/ (run by `npm run build`): the
// page's script with OpenLayers, proj4 and MapLibre GL split into chunks (a page loads only the
// renderer it uses), one stylesheet with both libraries' CSS, the HTML, and MapLibre's worker as the
// package ships it. Everything comes from node_modules: the page needs no network.
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src/preview');
const out = join(root, 'dist/preview');
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true }); // no stale chunks from an earlier build
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [
    { in: join(src, 'main.ts'), out: 'preview' },
    { in: join(src, 'preview.css'), out: 'preview' },
  ],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(join(src, 'index.html'), join(out, 'index.html'));
copyFileSync(join(dirname(require.resolve('maplibre-gl/package.json')), 'dist/maplibre-gl-worker.mjs'), join(out, 'maplibre-gl-worker.mjs'));
if (process.argv.includes('--sizes')) {
  for (const f of ['preview.js', 'preview.css', 'maplibre-gl-worker.mjs']) console.log(`${f}: ${statSync(join(out, f)).size} bytes`);
}
