// Progress on a TTY (cli-progress): features read (with an ETA from the bytes read when the inputs
// are GeoJSON files), then tiles written with an ETA. Silent elsewhere.
import cliProgress from 'cli-progress';
import type { Progress } from '../options.js';

export interface ProgressView {
  update: (p: Progress) => void;
  stop: () => void;
}

/** Below this share done, or this soon after the start, there is no rate to trust yet. */
const ETA_MIN_FRACTION = 0.01;
const ETA_MIN_MS = 1000;

/**
 * Our own ETA rather than cli-progress's: its estimate starts as "0s" and turns into "NFs" (its
 * "INF" cut short) while nothing has moved. From the average rate since the bar started, and "…"
 * until there is enough to go on.
 */
export function formatEta(done: number, total: number, elapsedMs: number): string {
  if (done >= total) return '0s';
  if (!(total > 0) || done / total < ETA_MIN_FRACTION || elapsedMs < ETA_MIN_MS) return '…';
  const s = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** `now` is there for tests, which must not depend on how fast the machine is. */
export function createProgress(stream: NodeJS.WriteStream, now: () => number = () => performance.now()): ProgressView | undefined {
  if (!stream.isTTY) return undefined;
  let readStart = 0;
  let writeStart = 0;
  let bar: cliProgress.SingleBar | undefined;
  let readBar: cliProgress.SingleBar | undefined;
  let phase: Progress['phase'] | undefined;
  let readLine = false;
  return {
    update(p) {
      if (p.phase === 'read') {
        if (p.bytesTotal) {
          if (!readBar) {
            readBar = new cliProgress.SingleBar(
              { stream, format: 'reading: [{bar}] {percentage}% | {features} features | ETA {remaining}', hideCursor: true },
              cliProgress.Presets.shades_classic,
            );
            readStart = now();
            readBar.start(p.bytesTotal, 0, { features: '0', remaining: '…' });
          }
          const done = p.bytesRead ?? 0;
          readBar.update(done, { features: p.featuresRead.toLocaleString('en'), remaining: formatEta(done, p.bytesTotal, now() - readStart) });
          return;
        }
        stream.write(`\rreading: ${p.featuresRead.toLocaleString('en')} features`);
        readLine = true;
        return;
      }
      if (phase !== 'write') {
        if (readBar) {
          readBar.update(readBar.getTotal(), { remaining: '0s' });
          readBar.stop();
        } else if (readLine) stream.write('\n');
        phase = 'write';
        bar = new cliProgress.SingleBar(
          { stream, format: 'writing: [{bar}] {percentage}% | {value}/{total} tiles | ETA {remaining}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        writeStart = now();
        bar.start(p.tilesTotal ?? 0, 0, { remaining: '…' });
      }
      bar?.update(p.tilesWritten, { remaining: formatEta(p.tilesWritten, p.tilesTotal ?? 0, now() - writeStart) });
    },
    stop() {
      bar?.stop();
      if (phase !== 'write') {
        readBar?.stop();
        if (readLine) stream.write('\n');
      }
    },
  };
}
