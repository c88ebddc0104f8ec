// The MBTiles tests' tileset, built from source (tsx) as a directory and as an MBTiles file: shared by
// test/unit/mbtiles.test.ts (the file itself) and test/e2e/mbtiles-gdal.test.ts (GDAL reading it).
import { createRequire } from 'node:module';
import { join } from 'node:path';
// From dist, as a user gets it: the sink's writer thread is a built module.
import { buildTileset, MbtilesSink, type BuildOptions, type BuildSummary, type MbtilesOptions } from '../dist/index.js';
import { fixture, tempDir } from './helpers.js';

// better-sqlite3 has no type declarations here: describe the little the tests read with.
export interface ReadDb {
  prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[]; get(...params: unknown[]): Record<string, unknown> };
  close(): void;
}
export const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, opts: { readonly: boolean }) => ReadDb;

const INPUTS = [fixture('finland-sample.geojson'), fixture('all-types.geojson')];
// threads: 1 because from source there is no compiled worker file for the thread pool.
export const BUILD = { inputs: INPUTS, maxzoom: 5, threads: 1, name: 'sample', description: 'two layers' } satisfies Partial<BuildOptions>;

/** Builds the same tileset as a directory and as MBTiles. */
export async function buildBoth(opts: MbtilesOptions = {}): Promise<{ dir: string; mbtiles: string; summary: BuildSummary }> {
  const root = tempDir();
  const dir = join(root, 'tiles');
  const mbtiles = join(root, 'tiles.mbtiles');
  await buildTileset({ ...BUILD, output: dir });
  const summary = await buildTileset({ ...BUILD, output: new MbtilesSink(mbtiles, opts) });
  return { dir, mbtiles, summary };
}
