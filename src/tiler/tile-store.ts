// Holds tile fragments until every feature has been read, then hands them out tile by tile in order.
import type { GeomType } from '../geometry/types.js';
import type { PropertyValue } from '../mvt/values.js';

/** The attributes of one source feature, shared by all the tiles it lands in. */
export interface FeatureRecord {
  id?: number;
  properties: [string, PropertyValue][];
}

/** One feature's geometry in one tile. */
export interface Fragment {
  /** Index of the output layer. */
  layer: number;
  type: GeomType;
  commands: number[];
  feature: FeatureRecord;
}

export interface TileFragments {
  z: number;
  x: number;
  y: number;
  /** In the order they were added, which is input order. */
  fragments: Fragment[];
}

/**
 * Where fragments wait for their tile to be complete. The in-memory store below is the default;
 * a store that spills to disk past a memory budget implements the same two calls.
 */
export interface TileStore {
  add(z: number, x: number, y: number, fragment: Fragment): void;
  /** Tiles sorted by z, then x, then y. The store may release memory as it goes. */
  tiles(): Iterable<TileFragments>;
  readonly tileCount: number;
}

export class MemoryTileStore implements TileStore {
  private zooms: Map<number | string, Fragment[]>[] = [];
  private count = 0;

  /** The zoom-0 matrix size sets the key layout: x·height + y while that is exact, else "x/y". */
  constructor(private readonly matrixWidthZ0 = 1, private readonly matrixHeightZ0 = 1) {}

  private numericKeys(z: number): boolean {
    return this.matrixWidthZ0 * this.matrixHeightZ0 * 4 ** z <= Number.MAX_SAFE_INTEGER;
  }

  add(z: number, x: number, y: number, fragment: Fragment): void {
    const zoom = (this.zooms[z] ??= new Map());
    const key = this.numericKeys(z) ? x * this.matrixHeightZ0 * 2 ** z + y : `${x}/${y}`;
    let list = zoom.get(key);
    if (!list) {
      zoom.set(key, (list = []));
      this.count++;
    }
    list.push(fragment);
  }

  get tileCount(): number {
    return this.count;
  }

  *tiles(): Iterable<TileFragments> {
    for (let z = 0; z < this.zooms.length; z++) {
      const zoom = this.zooms[z];
      if (!zoom) continue;
      const height = this.matrixHeightZ0 * 2 ** z;
      const entries = [...zoom.keys()].map((key) => {
        if (typeof key === 'number') return { key, x: Math.floor(key / height), y: key % height };
        const [x, y] = key.split('/').map(Number);
        return { key, x, y };
      });
      entries.sort((a, b) => a.x - b.x || a.y - b.y);
      for (const { key, x, y } of entries) {
        const fragments = zoom.get(key)!;
        zoom.delete(key);
        yield { z, x, y, fragments };
      }
      delete this.zooms[z];
    }
  }
}
