// `mvt-build validate`: MVT 2.1 rules and OGC polygon validity for every tile, findings located and
// counted. Exit 0 when no rule at error severity is broken, 1 when one is (or the input cannot be
// read), 2 on a usage error.
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import { RULES, type Finding } from '../inspect/rules.js';
import { validatePath, type ValidationReport } from '../inspect/validate-tileset.js';
import { parseOrExit } from './args.js';
import { stdoutWriter, table, thousands } from './table.js';

const count = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}"`);
  return Number(v);
};

export function makeValidateProgram(): Command {
  return new Command('mvt-build validate')
    .description('Check every tile of a tileset (or one tile file) against the MVT 2.1 specification and OGC polygon validity.')
    .argument('<path>', 'a tileset directory, an .mbtiles file, or one tile file (raw or gzip)')
    .option('--zoom <z>', 'only the tiles of zoom Z', count('--zoom'))
    .option('--max-findings <n>', 'findings listed (all are counted)', count('--max-findings'), 1000)
    .option('--json', 'print the report as JSON')
    .option('-q, --quiet', 'print only the summary line')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface ValidateCliOptions {
  zoom?: number;
  maxFindings: number;
  json?: boolean;
  quiet?: boolean;
}

export async function run(argv: string[]): Promise<number> {
  const program = makeValidateProgram();
  const exit = parseOrExit(program, argv);
  if (exit !== undefined) return exit;
  const o = program.opts<ValidateCliOptions>();
  const [path] = program.args;
  let report: ValidationReport;
  try {
    report = await validatePath(path, { zoom: o.zoom, maxFindings: o.maxFindings });
  } catch (e) {
    process.stderr.write(`mvt-build validate: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  const write = stdoutWriter();
  if (o.json) await write(JSON.stringify(report) + '\n');
  else {
    if (!o.quiet) {
      for (const f of report.findings) await write(formatFinding(report.path, f) + '\n');
      const listed = report.findings.length, total = report.errors + report.warnings;
      if (report.truncated) await write(`… ${thousands(total - listed)} more finding${total - listed > 1 ? 's' : ''} counted below, not listed (--max-findings ${o.maxFindings})\n`);
    }
    await write(formatSummary(report, !o.quiet) + '\n');
  }
  return report.valid ? 0 : 1;
}

/** `PATH: z/x/y: layer "roads" (#0), feature #3 (id 7): error [zero-length]: message (×2)` */
export function formatFinding(path: string, f: Finding): string {
  const where: string[] = [];
  if (f.tile !== undefined && f.tile !== path) where.push(f.tile);
  const parts: string[] = [];
  if (f.layerIndex !== undefined) parts.push(`layer ${f.layer === undefined ? '(no name)' : JSON.stringify(f.layer)} (#${f.layerIndex})`);
  else if (f.layer !== undefined) parts.push(`layer ${JSON.stringify(f.layer)}`);
  if (f.feature !== undefined) parts.push(`feature #${f.feature}${f.id !== undefined ? ` (id ${f.id})` : ''}`);
  if (parts.length) where.push(parts.join(', '));
  const level = f.severity === 'error' ? (f.fatal ? 'error (fatal)' : 'error') : 'warning';
  const times = f.count && f.count > 1 ? ` (×${thousands(f.count)})` : '';
  return `${[path, ...where].join(': ')}: ${level} [${f.rule}]: ${f.message}${times}`;
}

function formatSummary(r: ValidationReport, detail: boolean): string {
  const verdict = r.valid ? (r.warnings ? 'valid, with warnings' : 'valid') : 'INVALID';
  const head = `mvt-build validate: ${r.path}: ${verdict}: ${thousands(r.tiles)} tile${r.tiles === 1 ? '' : 's'}, ${thousands(r.layers)} layers, ` +
    `${thousands(r.features)} features (${thousands(r.polygons)} polygons checked); ${thousands(r.errors)} error${r.errors === 1 ? '' : 's'}` +
    `${r.fatal ? ` (${thousands(r.fatal)} fatal)` : ''} in ${thousands(r.tilesWithErrors)} tile${r.tilesWithErrors === 1 ? '' : 's'}, ${thousands(r.warnings)} warning${r.warnings === 1 ? '' : 's'}`;
  const rules = Object.entries(r.byRule);
  if (!detail || !rules.length) return head;
  rules.sort(([a, x], [b, y]) => Number(y.severity === 'error') - Number(x.severity === 'error') || Number(y.fatal) - Number(x.fatal) || y.findings - x.findings || (a < b ? -1 : 1));
  const rows = rules.map(([rule, c]) => [rule, c.severity === 'error' ? (c.fatal ? 'error (fatal)' : 'error') : 'warning', thousands(c.findings), RULES[rule as keyof typeof RULES].ref]);
  return `${head}\n${table([['rule', 'severity', 'findings', 'spec'], ...rows], [2])}`;
}
