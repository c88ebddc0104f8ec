// Plain-text tables for the human-readable output of inspect and validate (--json gives the data).

/** Columns padded to their widest cell; those in `right` (the numbers) aligned right. */
export function table(rows: string[][], right: readonly number[], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => (indent + r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).trimEnd())
    .join('\n');
}

/** 1234567 → "1,234,567" */
export const thousands = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));

/** Writes to stdout, waiting when the pipe is full; a reader that went away (`| head`) ends quietly. */
export function stdoutWriter(): (text: string) => Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  return (text) =>
    new Promise((resolve) => {
      if (process.stdout.write(text)) resolve();
      else process.stdout.once('drain', resolve);
    });
}
