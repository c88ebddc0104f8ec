// Preload used by run.ts only when GNU /usr/bin/time is missing: on exit, the Node child writes its own
// CPU time and peak RSS (process.resourceUsage) to $BENCH_RUSAGE_FILE. Plain .mjs so that it can be
// preloaded into `node dist/cli/main.js` without a TypeScript loader changing what is measured.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage(); // CPU in µs, maxRSS in KiB
    writeFileSync(file, JSON.stringify({ userS: u.userCPUTime / 1e6, sysS: u.systemCPUTime / 1e6, maxRssKiB: u.maxRSS }));
  });
}
