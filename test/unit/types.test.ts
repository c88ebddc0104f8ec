// The published .d.ts files must type-check in TypeScript 5.0 and later (README), not only in the
// 5.9 we build with: since 5.7 an inferred `new Uint8Array(n)` is emitted as `Uint8Array<ArrayBuffer>`,
// which older lib typings reject ("Type 'Uint8Array' is not generic").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempDir } from '../helpers.js';

function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? declarations(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

test('no typed-array or Buffer generics (TypeScript 5.7+ only) in the emitted .d.ts files', () => {
  const files = declarations(join(ROOT, 'dist'));
  assert.ok(files.length > 20, 'dist is built');
  const generic = /\b(?:(?:Uint8|Uint8Clamped|Uint16|Uint32|Int8|Int16|Int32|Float32|Float64|BigInt64|BigUint64)Array|Buffer|DataView)</;
  const found = files.flatMap((f) =>
    readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (generic.test(line) ? [`${f.slice(ROOT.length)}:${i + 1}: ${line.trim()}`] : [])),
  );
  assert.deepEqual(found, []);
});

// A consumer compiled with an old tsc, when one is given (no network in tests): e.g.
//   npm install --prefix /tmp/ts50 typescript@5.0.4 && TSC_5_0=/tmp/ts50/node_modules/.bin/tsc npm test
const oldTsc = process.env.TSC_5_0;
test('a consumer importing mvt-build type-checks with the tsc in $TSC_5_0 (skipLibCheck off)', { skip: !oldTsc && 'TSC_5_0 not set' }, () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'mvt-build'));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'index.ts'), [
    "import { buildTileset, parseTilingScheme, type BuildSummary, type TileSink } from 'mvt-build';",
    "export const run = (sink: TileSink): Promise<BuildSummary> => buildTileset({ inputs: ['a.geojson'], output: sink, tilingScheme: parseTilingScheme('ETRS-TM35FIN') });",
  ].join('\n'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', noEmit: true, skipLibCheck: false, types: ['node'] },
    files: ['index.ts'],
  }));
  const r = spawnSync(oldTsc!, ['-p', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
});
