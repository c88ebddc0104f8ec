// `mvt-build merge SHARD... -o OUTPUT`: the shards of a --shard build as one tileset, byte for byte
// what one machine would have built (merge/merge.ts); --join merges different tilesets (tile-join).
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { parseArguments } from './parse.js';

export function makeMergeProgram(): Command {
  return new Command('mvt-build merge')
    .description('Merge the shards of a --shard build (their outputs, or OUTPUT.shard.json) into one tileset, as one build would have written it.')
    .argument('<shard...>', 'shard outputs (directories, .mbtiles, .pmtiles) with their OUTPUT.shard.json beside them')
    .requiredOption('-o, --output <path>', 'output tileset: a directory, an .mbtiles or a .pmtiles file')
    .addOption(new Option('--format <format>', 'directory, mbtiles or pmtiles (default: from the output name)').choices(['directory', 'mbtiles', 'pmtiles']))
    .option('--name <name>', "tileset name in metadata (default: the build's --name, else the output's name)")
    .option('--join', 'merge shards of different builds (tippecanoe tile-join): layers of one name become one, tiles held by several are stacked')
    .option('-f, --force', 'replace an existing output')
    .option('--json', 'print the summary as JSON')
    .option('-q, --quiet', 'no summary')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

export async function run(argv: string[]): Promise<number> {
  const program = makeMergeProgram();
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const o = program.opts<{ output: string; format?: 'directory' | 'mbtiles' | 'pmtiles'; name?: string; join?: boolean; force?: boolean; json?: boolean; quiet?: boolean }>();
  const { mergeShards } = await import('../merge/merge.js');
  try {
    const s = await mergeShards({ shards: program.args, output: o.output, format: o.format, name: o.name, join: o.join, force: o.force });
    if (o.json) process.stdout.write(JSON.stringify(s) + '\n');
    else if (!o.quiet) {
      const stacked = s.stacked ? `, ${s.stacked} stacked from several inputs` : '';
      process.stderr.write(`mvt-build merge: wrote ${s.output}: ${s.tiles} tiles (${(s.bytes / 1048576).toFixed(1)} MB${stacked}) from ${s.shards} shard${s.shards > 1 ? 's' : ''} of ${s.builds} build${s.builds > 1 ? 's' : ''}, ${(s.elapsedMs / 1000).toFixed(1)} s\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`mvt-build merge: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
