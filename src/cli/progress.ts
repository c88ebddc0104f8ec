// Progress on a TTY (cli-progress): features read (with an ETA from the bytes read when the inputs
// are GeoJSON files), then tiles written with an ETA. Silent elsewhere.
import cliProgress from 'cli-progress';
import type { Progress } from '../options.js';

export interface ProgressView {
  update: (p: Progress) => void;
  stop: () => void;
}

export function createProgress(stream: NodeJS.WriteStream): ProgressView | undefined {
  if (!stream.isTTY) return undefined;
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
              { stream, format: 'reading: [{bar}] {percentage}% | {features} features | ETA {eta_formatted}', hideCursor: true },
              cliProgress.Presets.shades_classic,
            );
            readBar.start(p.bytesTotal, 0, { features: '0' });
          }
          readBar.update(p.bytesRead ?? 0, { features: p.featuresRead.toLocaleString('en') });
          return;
        }
        stream.write(`\rreading: ${p.featuresRead.toLocaleString('en')} features`);
        readLine = true;
        return;
      }
      if (phase !== 'write') {
        if (readBar) {
          readBar.update(readBar.getTotal());
          readBar.stop();
        } else if (readLine) stream.write('\n');
        phase = 'write';
        bar = new cliProgress.SingleBar(
          { stream, format: 'writing: [{bar}] {percentage}% | {value}/{total} tiles | ETA {eta_formatted}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.tilesTotal ?? 0, 0);
      }
      bar?.update(p.tilesWritten);
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
