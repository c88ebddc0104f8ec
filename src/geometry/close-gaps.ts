// Closing (a dilation, then an erosion by the same distance) of polygon parts that are about to be
// merged into one feature (mvt/as-needed.ts, coalescing). Neighbours that share a border in the
// source no longer share it exactly once each has been simplified and rounded on its own, so the
// union of their rings keeps a sliver of gap along it and every county stays a ring of its own;
// tippecanoe merges the geometries before simplifying, and the border goes. Closing by one tile
// unit fills every gap under two units wide and adds nothing elsewhere: it never takes area away,
// and what it adds is below what any renderer draws (a pixel is 16 units at 256-pixel tiles).
// Clipper2 (clipper2-ts) offsets on the integer grid, as it unions in geometry/repair.ts.
import { EndType, inflatePaths, JoinType, type Path64, type Paths64 } from 'clipper2-ts';

/** How far the closing reaches, in tile units: gaps narrower than twice this are filled. */
export const CLOSE_GAPS_UNITS = 1;

/**
 * The parts (rings as flat x y lists, exteriors of positive shoelace area, holes negative, as
 * quantize.ts winds them) closed by `d` units: the same kind of rings, merged where they overlap.
 */
export function closeGaps(parts: number[][], d = CLOSE_GAPS_UNITS): number[][] {
  const paths: Paths64 = parts.map((p) => {
    const path: Path64 = [];
    for (let i = 0; i < p.length; i += 2) path.push({ x: p[i], y: p[i + 1] });
    return path;
  });
  // Miter joins with a limit of 4: corners come back where they were instead of rounded off.
  const grown = inflatePaths(paths, d, JoinType.Miter, EndType.Polygon, 4);
  return inflatePaths(grown, -d, JoinType.Miter, EndType.Polygon, 4).map((path) => path.flatMap((q) => [q.x, q.y]));
}
