// `mvt-build publish CONFIG [GROUP…] --destdir DIR …`: the web-map publishing job (src/publish/),
// with the GDAL job's options. Loaded only when the command is named.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { formatStats } from '../publish/compress.js';
import { publish, type PublishOptions, type PublishSummary } from '../publish/publish.js';
import { watchInterrupts } from './interrupts.js';

const positive = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1, got "${v}"`);
  return Number(v);
};

function program(): Command {
  return new Command('mvt-build publish')
    .description("Publish the layers of a GeoPackage (or GeoJSON) as a web map's tileset: tiles with feature ids, attribute side files, a fresh directory DESTDIR/xx swapped in whole, and the layer map pointed at it.")
    .argument('<config>', 'the job: a YAML or JSON file (see docs/publish.md)')
    .argument('[group...]', 'groups of the config to publish (default: every layer)')
    .requiredOption('--destdir <dir>', "where this tileset's directories go (DESTDIR/00 … DESTDIR/ff)")
    .option('--name <name>', "the tileset's key in the layer map (default: DESTDIR's last component)")
    .option('--webroot <dir>', "the web server's root: the layer map holds paths from it (default: absolute paths)")
    .option('--metadata <file>', 'the layer map (default: DESTDIR/../metadata.json)')
    .option('--metadata-lockfile <file>', "the layer map's lock, shared by every run (default: .NAME.lock beside it)")
    .option('--lockfile <file>', 'a lock held while tiling, so that heavy jobs do not overlap (waits for it)')
    .option('--compress', 'also write a brotli .br of every tile and JSON file')
    .option('--keep <n>', "remove this tileset's directories beyond the N most recent (never the one the layer map points to)", positive('--keep'))
    .option('-j, --threads <n>', 'worker threads for tiling (default: available cores)', positive('--threads'))
    .option('--no-parent-watch', 'keep going when the process that started mvt-build exits (default: stop, as for SIGTERM)')
    .option('-q, --quiet', 'no progress lines and no summary')
    .option('--json', 'print the summary as JSON on stdout')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** What commander gives: the job's own options under their names, and the command's. */
type Options = Pick<PublishOptions, 'destdir' | 'name' | 'webroot' | 'metadata' | 'metadataLockfile' | 'lockfile' | 'compress' | 'keep' | 'threads'> & {
  parentWatch: boolean;
  quiet?: boolean;
  json?: boolean;
};

export async function run(argv: string[]): Promise<number> {
  const cmd = program();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const { parentWatch, quiet, json, ...job } = cmd.opts<Options>();
  const [config, ...groups] = cmd.args;
  const say = (line: string) => {
    if (!quiet) process.stderr.write(`mvt-build publish: ${line}\n`);
  };
  const interrupts = watchInterrupts({ parentWatch });
  try {
    const summary = await publish({ ...job, config, groups, signal: interrupts.signal, log: say });
    if (json) process.stdout.write(JSON.stringify(summary) + '\n');
    else for (const line of formatPublishSummary(summary)) say(line);
    return 0;
  } catch (e) {
    if (interrupts.signal.aborted) {
      process.stderr.write(`mvt-build publish: ${interrupts.why}; stopped: the live tileset and the layer map are as they were\n`);
      return 130;
    }
    process.stderr.write(`mvt-build publish: ${(e as Error).message}\n`);
    if (e instanceof UsageError) return 2;
    if (!(e instanceof InputError) && process.env.MVT_BUILD_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  } finally {
    interrupts.dispose();
  }
}

/** The end of a run, as lines: where it went, what was left out, and the sizes (as the GDAL job logs them). */
export function formatPublishSummary(s: PublishSummary): string[] {
  const lines = [...s.warnings.map((w) => `warning: ${w}`)];
  const tiles = s.trees.reduce((n, t) => n + t.build.tiles, 0);
  lines.push(`published ${s.name} in ${s.directory} (${s.features} features, ${tiles} tiles${s.trees.length > 1 ? ` in ${s.trees.length} trees` : ''}); ${s.layerMap}: "${s.name}": "${s.mapPath}"`);
  for (const c of s.skippedColumns) lines.push(`column not published: layer "${c.layer}", column "${c.column}" (${c.why})`);
  for (const t of s.trees) for (const c of t.layers) for (const m of c.messages) lines.push(`skipped ${m}`);
  lines.push(...formatStats('tiles', s.stats.tiles, s.stats.tilesCompressed), ...formatStats('attribute files', s.stats.attributes, s.stats.attributesCompressed));
  if (s.removed.length) lines.push(`removed old tileset${s.removed.length > 1 ? 's' : ''} ${s.removed.join(', ')} (--keep)`);
  if (s.staleTemporaries) lines.push(`removed ${s.staleTemporaries} temporar${s.staleTemporaries > 1 ? 'ies' : 'y'} of killed runs`);
  return lines;
}
