// `mvt-build serve`: a tileset over HTTP with a preview page, until Ctrl-C (or SIGTERM) stops it.
// Exit 0 when stopped so, 1 when the tileset cannot be read or the port not taken, 2 on a usage error.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import { formatTilingScheme } from '../scheme/tiling-scheme.js';
import { DEFAULT_PORT, startServer, type RunningServer } from '../serve/server.js';
import { parseArguments } from './parse.js';

const port = (v: string) => {
  if (!/^\d{1,5}$/.test(v.trim()) || Number(v) > 65535) throw new InvalidArgumentError(`--port must be 0..65535, got "${v}"`);
  return Number(v);
};

export function makeServeProgram(): Command {
  return new Command('mvt-build serve')
    .description('Serve a tileset over HTTP — tiles, descriptors with this server\'s URLs, and a preview map at / — until Ctrl-C.')
    .argument('<tileset>', 'a tileset directory, an .mbtiles or a .pmtiles file, or a publish --destdir (its live tileset)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every interface)', '127.0.0.1')
    .option('--port <port>', `port to listen on; 0 takes any free port (default ${DEFAULT_PORT})`, port, DEFAULT_PORT)
    .option('--log', 'print one line per request on stderr')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface ServeCliOptions {
  host: string;
  port: number;
  log?: boolean;
}

export async function run(argv: string[]): Promise<number> {
  const program = makeServeProgram();
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const o = program.opts<ServeCliOptions>();
  const [path] = program.args;
  let server: RunningServer;
  try {
    server = await startServer({
      path,
      host: o.host,
      port: o.port,
      onResponse: o.log ? (r) => process.stderr.write(`${r.status} ${r.method} ${r.url} ${r.ms.toFixed(1)} ms\n`) : undefined,
    });
  } catch (e) {
    process.stderr.write(`mvt-build serve: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  const s = server.source();
  const scheme = s.info.scheme.name ?? formatTilingScheme(s.info.scheme);
  const layers = s.info.layers.length;
  const links: [string, string][] = [
    ['', 'the preview map'],
    ['tilejson.json', 'TileJSON (MapLibre GL)'],
    ['tileset.json', 'OGC API – Tiles tileset (OpenLayers OGCVectorTile)'],
    ...(s.archive ? [[s.archive.name, 'the archive, read by byte ranges (pmtiles.js)'] as [string, string]] : []),
  ];
  const width = Math.max(...links.map(([p]) => p.length)) + server.url.length;
  process.stdout.write(
    `mvt-build serve: ${path} (${s.format}, ${scheme}, zooms ${s.minzoom}–${s.maxzoom}, ${layers} layer${layers === 1 ? '' : 's'}) at ${server.url}\n` +
      links.map(([p, what]) => `  ${(server.url + p).padEnd(width)}  ${what}\n`).join('') +
      (s.path !== resolve(path) ? `  (the tileset the layer map points to: ${s.path})\n` : '') +
      (s.dimensions ? `  dimensions: ${s.dimensions.list.map((d) => `${d.name} (${d.type}, default ${d.default})`).join(', ')}: ?NAME=value on tile URLs\n` : '') +
      (s.docs.made.length ? `  (the tileset has no ${s.docs.made.join(', ')}: made from its metadata)\n` : '') +
      'Ctrl-C stops it.\n',
  );
  await new Promise<void>((resolve) => {
    let signalled = false;
    const stop = (signal: NodeJS.Signals) => {
      if (signalled) {
        // A second Ctrl-C: do not wait for slow clients.
        server.closeNow();
        return;
      }
      signalled = true;
      process.stderr.write(`mvt-build serve: ${signal}: stopping\n`);
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write('mvt-build serve: stopped\n');
  return 0;
}
