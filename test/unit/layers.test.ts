// The architecture as a test: every import under src/ points down the layers the README lists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/**
 * Each unit (a folder, or a top-level file) and what it may import. Small leaf files at the top
 * (errors, defaults, temporaries) may be imported by anyone.
 */
const LEAVES = ['errors', 'defaults', 'temporaries'];
const ALLOWED: Record<string, string[]> = {
  model: [],
  scheme: ['model'],
  projection: ['model', 'scheme'],
  geometry: ['model', 'projection', 'scheme'],
  mvt: ['model', 'geometry'],
  readers: ['model', 'geometry', 'projection', 'scheme'],
  tiler: ['model', 'geometry'],
  // Generalization after tippecanoe: attributes, per-feature zooms, thinning, zoom guessing.
  generalize: ['model', 'scheme', 'projection'],
  stages: ['model', 'geometry', 'projection', 'scheme', 'mvt', 'readers', 'tiler', 'generalize'],
  describe: ['model', 'scheme', 'projection'],
  writers: ['model', 'scheme', 'projection', 'describe'],
  // Reading built tilesets back (inspect, validate): beside the pipeline, on the same low layers.
  tileset: ['model', 'scheme', 'projection'],
  inspect: ['model', 'geometry', 'projection', 'scheme', 'mvt', 'tileset'],
  options: ['readers', 'scheme', 'writers', 'describe', 'generalize', 'mvt'],
  pipeline: ['model', 'geometry', 'projection', 'scheme', 'mvt', 'readers', 'tiler', 'generalize', 'stages', 'describe', 'writers', 'options', 'shard'],
  build: ['model', 'projection', 'readers', 'tiler', 'pipeline', 'options'],
  dimensions: ['model', 'mvt'],
  publish: ['model', 'geometry', 'projection', 'scheme', 'readers', 'writers', 'options', 'build', 'describe', 'dimensions'],
  // Serving a built tileset over HTTP: its readers and the descriptor functions, beside the pipeline.
  serve: ['model', 'scheme', 'projection', 'describe', 'tileset', 'dimensions'],
  // The preview page runs in the browser and imports nothing of src/ but its own files.
  preview: [],
  // A sharded build's cut of the tile tree, its spec and its manifest: on the model only.
  shard: ['model'],
  // Merging shards (or tilesets, as tile-join): manifests, tileset readers, the sinks through the plan.
  merge: ['model', 'mvt', 'describe', 'tileset', 'dimensions', 'shard', 'pipeline', 'options'],
  cli: ['build', 'options', 'inspect', 'tileset', 'scheme', 'projection', 'serve', 'publish', 'merge'],
  index: ['build', 'merge', 'shard', 'options', 'scheme', 'projection', 'readers', 'mvt', 'model', 'describe', 'writers', 'tileset', 'inspect', 'publish', 'dimensions'],
  internals: ['model', 'scheme', 'projection', 'readers', 'geometry', 'tiler', 'generalize', 'mvt', 'stages', 'pipeline', 'options', 'describe', 'writers', 'inspect'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.c?ts$/.test(n) ? [p] : [];
  });
}

const unitOf = (file: string) => relative(SRC, file).split('/')[0].replace(/\.c?[jt]s$/, '');

test('every import in src/ points down the layers (README: The pipeline)', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const file of files(SRC)) {
    const from = unitOf(file);
    assert.ok(from in ALLOWED || LEAVES.includes(from), `${relative(SRC, file)}: a unit the layer table does not know`);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = unitOf(resolve(dirname(file), m[1]));
      checked++;
      if (target === from || LEAVES.includes(target)) continue;
      if (LEAVES.includes(from) || !ALLOWED[from].includes(target)) wrong.push(`${relative(SRC, file)} → ${m[1]}`);
    }
  }
  assert.ok(checked > 100, `only ${checked} imports found: the pattern is broken`);
  assert.deepEqual(wrong, []);
});
