// The MBTiles sink's writer thread: owns the SQLite connection (mbtiles-file.ts) and answers each
// message in order, so the main thread only packs tiles and posts them. The sink ends it with
// terminate(), after `finish` or to abort.
import { parentPort, workerData } from 'node:worker_threads';
import { MbtilesFile } from './mbtiles-file.js';
import type { TileRun } from './sink.js';

export type ToWriter = { kind: 'tiles'; runs: TileRun[] } | { kind: 'finish'; rows: [string, string][] };
export type FromWriter = { kind: 'ok' } | { kind: 'error'; message: string };

const port = parentPort!;
let file: MbtilesFile | undefined;
const reply = (f: () => void) => {
  try {
    f();
    port.postMessage({ kind: 'ok' } satisfies FromWriter);
  } catch (e) {
    port.postMessage({ kind: 'error', message: (e as Error).message } satisfies FromWriter);
  }
};
// The first answer says whether the file could be made.
reply(() => {
  const { path, dedupe } = workerData as { path: string; dedupe: boolean };
  file = new MbtilesFile(path, dedupe);
});
port.on('message', (m: ToWriter) => {
  if (m.kind === 'tiles') reply(() => file!.add(m.runs));
  else reply(() => file!.finish(m.rows));
});
