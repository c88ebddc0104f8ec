// A ThreadWriterSpec module for test/api.test.ts: tiles as {z}-{x}-{y}.mvt in one directory.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function createTileWriter(config) {
  return {
    write(z, x, y, data) {
      writeFileSync(join(config.dir, `${z}-${x}-${y}.mvt`), data);
      return 1000;
    },
  };
}
