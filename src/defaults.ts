// Every default of a build, in one place: resolveOptions (options.ts) applies them and the CLI's
// --help prints them. No imports, so that `mvt-build --help` loads nothing else to show them.
export const DEFAULTS = {
  minzoom: 0, //                       GDAL MINZOOM
  maxzoom: 5, //                       GDAL MAXZOOM (or minzoom, if higher)
  tilingScheme: 'WebMercatorQuad', //  GDAL's default: EPSG:3857, one tile at zoom 0
  extent: 4096, //                     tile units per side (GDAL EXTENT)
  /** Buffer in tile units for an extent: 5 px of 256 (80 at 4096), as GDAL. */
  buffer: (extent: number): number => Math.round((5 * extent) / 256),
  simplification: 1, //                Douglas–Peucker tolerance in tile units (GDAL's default is 0: none)
  type: 'overlay' as 'overlay' | 'baselayer', // metadata type (GDAL TYPE)
  compress: true, //                   gzip every tile (GDAL COMPRESS)
  compressLevel: 1, //                 zlib level of the gzip: 1 is the fastest (see docs/cli.md#gzip-level)
  tileExtension: 'pbf', //             tile file extension (GDAL TILE_EXTENSION)
  force: false, //                     never replace an output unless asked
  skipInvalid: false, //               a malformed feature stops the build
  tinyPolygonReduction: true, //       rings under 2 tile units² drawn as squares that keep their area
  polygonRepair: true, //              every polygon OGC-valid on the integer grid
  maxSize: 500_000, //                 bytes per tile after compression (GDAL MAX_SIZE)
  maxFeatures: 200_000, //             features per tile (GDAL MAX_FEATURES)
  memoryBudget: 256 * 2 ** 20, //      bytes of tile fragments held before spilling to the temp dir
  giantTileBytes: 16 << 20, //         a spilled tile this large is read from the run files by its encoding thread
  // Generalization, after tippecanoe (src/generalize/); each off unless asked for.
  excludeAll: false, //                tippecanoe -X: keep no property but those of --include
  generateIds: false, //               tippecanoe -ai: give features without an id their input position + 1
  maxStringLength: 0, //               tippecanoe --maximum-string-attribute-length: 0 = strings kept whole
  dropRate: 2.5, //                    tippecanoe -r, when only --base-zoom is given (with neither: no thinning)
  // baseZoom: the max zoom, when only --drop-rate is given (tippecanoe -B).
  guessFeatures: 50_000, //            the densest tile -Bg / -rg aim below (tippecanoe's figure)
  asNeeded: 'gdal' as 'gdal' | 'drop-smallest' | 'drop-densest' | 'drop-fraction' | 'cluster-densest' | 'coalesce-smallest' | 'coalesce-densest', // what a tile over the limits gives up: GDAL's way
  // threads: the available cores (os.availableParallelism()), read when a build starts.
  // Batching: the unit of work handed to a thread, and how much may be in flight at once.
  batchFeatures: 2000, //              features per tiling batch
  batchBytes: 4 << 20, //              most input text in one tiling batch
  encodeTiles: 1000, //                tiles per encoding batch
  encodeBytes: 4 << 20, //             most fragment bytes in one encoding batch
  collectAfterTileBytes: 16 << 20, //   a thread collects its garbage after encoding a tile this large
  windowBytes: 64 << 20, //            input text or fragments between the main thread and the workers
  batchesPerThread: 8, //              look-ahead: batches queued per thread, past a slow one
  writesInFlight: 32, //               concurrent put()s into a sink that takes tiles one by one
} as const;
