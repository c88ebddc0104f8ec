// The classic ways a rounded polygon goes wrong, as ring sets, each repaired once on loading: shared
// by the unit tests of the repair (test/unit/repair.test.ts) and GEOS's verdict on the results
// (test/e2e/repair-geos.test.ts).
import { isValidPolygon, repairPolygon, RingSet } from '../dist/internals.js';

/** Rings as [x, y] lists (no closing point); the sign of each ring's area makes it exterior or hole. */
export function ringSet(rings: number[][][]): RingSet {
  const rs = new RingSet();
  rs.reset();
  for (const r of rings) {
    const flat = r.flat();
    rs.add(flat, flat.length, false);
    rs.exterior[rs.count - 1] = rs.area2(rs.count - 1) > 0 ? 1 : 0;
  }
  return rs;
}

export function area(rs: RingSet): number {
  let a = 0;
  for (let r = 0; r < rs.count; r++) a += rs.area2(r) / 2;
  return a;
}

/** MULTIPOLYGON WKT of the repaired rings, each exterior followed by its holes. */
export function wkt(rs: RingSet): string {
  const polys: string[][] = [];
  for (let r = 0; r < rs.count; r++) {
    const pts: string[] = [];
    for (let i = rs.start[r]; i < rs.start[r + 1]; i += 2) pts.push(`${rs.xy[i]} ${rs.xy[i + 1]}`);
    pts.push(pts[0]);
    const ring = `(${pts.join(',')})`;
    if (rs.exterior[r]) polys.push([ring]);
    else polys[polys.length - 1].push(ring);
  }
  return `MULTIPOLYGON(${polys.map((p) => `(${p.join(',')})`).join(',')})`;
}

/** [x0, y0, x1, y1, …] → [[x0, y0], [x1, y1], …] */
function pairs(flat: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

export const sq = (x0: number, y0: number, x1: number, y1: number, exterior = true) => {
  // Positive area (exterior) in MVT's y-down convention: (x0,y0) → (x1,y0) → (x1,y1) → (x0,y1).
  const r = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  return exterior ? r : r.reverse();
};

export const cases: { name: string; rings: number[][][]; area: number; exteriors: number; holes: number }[] = [
  { name: 'a bowtie: only the lobe that winds as an exterior is filled', rings: [[[0, 0], [10, 10], [10, 0], [0, 10]]], area: 25, exteriors: 1, holes: 0 },
  { name: 'two overlapping parts merge', rings: [sq(0, 0, 10, 10), sq(5, 5, 15, 15)], area: 175, exteriors: 1, holes: 0 },
  { name: 'a hole across its exterior becomes a notch', rings: [sq(0, 0, 10, 10), sq(5, 2, 15, 8, false)], area: 70, exteriors: 1, holes: 0 },
  { name: 'a ring through one vertex twice: two parts touching there', rings: [[[0, 0], [10, 0], [10, 10], [20, 10], [20, 20], [10, 20], [10, 10], [0, 10]]], area: 200, exteriors: 2, holes: 0 },
  { name: 'a hole touching its exterior at two points: two parts', rings: [sq(0, 0, 10, 10), [[0, 5], [5, 2], [10, 5], [5, 8]].reverse()], area: 70, exteriors: 2, holes: 0 },
  { name: 'a hole touching its exterior at one point stays a hole', rings: [sq(0, 0, 10, 10), [[0, 5], [4, 3], [4, 7]].reverse(), sq(20, 0, 22, 2), sq(21, 1, 23, 3)], area: 100 - 8 + 7, exteriors: 2, holes: 1 },
  { name: 'a hole as large as its exterior: the exterior stays', rings: [sq(0, 0, 10, 10), sq(0, 0, 10, 10, false)], area: 100, exteriors: 1, holes: 0 },
  { name: 'an island sharing edges with its lake merges into the land', rings: [sq(0, 0, 20, 20), sq(5, 5, 15, 15, false), sq(5, 5, 10, 10)], area: 325, exteriors: 1, holes: 1 },
  { name: 'a spike folding back on itself goes', rings: [[[0, 0], [10, 0], [20, 0], [10, 0], [10, 10], [0, 10]]], area: 100, exteriors: 1, holes: 0 },
  // From the countries at 6/17/8 (Canada): the ring runs back along the buffered clip edge (y = 4176)
  // past a fold; snap rounding makes that a spike, from which Clipper2 rounded a sliver shell lying
  // inside the rest of the part (GEOS: "Nested shells"). The second pass, from the first one's
  // output, resolves it keeping the fold's 18.5 units² that removing the spike first would lose.
  {
    name: 'a spike back along the clip edge next to a fold: no sliver shell inside the part',
    rings: [pairs([4176, 419, 4176, 4176, 1410, 4176, 1496, 4176, 1501, 4175, 1497, 4172, 1497, 4174, 1486, 4176, 1463, 4176, 1463, 4174, 1465, 4174, 1465, 419])],
    area: 10185231,
    exteriors: 1,
    holes: 0,
  },
  // From 6/34/33: a narrow fold out and back, whose first pass leaves a one-unit lobe inside the part.
  {
    name: 'a narrow fold out and back: no lobe left inside the part',
    rings: [pairs([1046, 300, 1000, 300, 1000, 200, 1100, 200, 1100, 300, 1046, 270, 1044, 268, 1048, 268, 1049, 266, 1053, 266, 1057, 261, 1056, 258, 1058, 256, 1058, 254, 1056, 261, 1053, 267, 1049, 266, 1044, 268, 1044, 269])],
    area: 9156,
    exteriors: 1,
    holes: 1,
  },
  // Rings meeting no other are kept as they are, by the winding number of the others at a vertex
  // (repair.ts repairPass), while the union redraws the rings that meet (here a bowtie).
  {
    name: 'rings meeting nothing: a part inside another part and a hole outside every part go',
    rings: [[[0, 0], [10, 10], [10, 0], [0, 10]], [[100, 0], [120, 0], [140, 0], [140, 40], [100, 40]], sq(110, 10, 120, 20), sq(200, 0, 210, 10, false)],
    area: 25 + 1600,
    exteriors: 2,
    holes: 0,
  },
  {
    name: 'a lake and its island stay while the union redraws the spiked shore around them',
    rings: [[[0, 0], [100, 0], [100, 100], [50, 100], [50, 110], [50, 100], [0, 100]], sq(10, 10, 90, 90, false), sq(20, 20, 30, 30)],
    area: 10000 - 6400 + 100,
    exteriors: 2,
    holes: 1,
  },
];

export const repaired = cases.map((c) => {
  const rs = ringSet(c.rings);
  const before = isValidPolygon(rs);
  repairPolygon(rs);
  return { c, rs, before };
});
