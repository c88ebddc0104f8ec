// Douglas–Peucker importance, computed once per feature and filtered per zoom (as geojson-vt does).
import { KEEP, type Flat } from '../model/geometry.js';

/**
 * Writes into each vertex's third slot the largest squared tolerance at which Douglas–Peucker would
 * still keep it, capped by its parent's so that the kept set at any tolerance is a true DP result.
 * End points get KEEP. Vertices that matter less than `minSqTolerance` get 0.
 * Uses an explicit stack: rings of millions of vertices must not overflow the call stack.
 */
export function computeImportance(coords: Flat, minSqTolerance: number): void {
  // A computed double: started from the parameter itself, the running maximum below was kept boxed
  // by V8, one heap number per new maximum (220 MB of garbage on the countries).
  const floor = minSqTolerance + 0;
  const n = coords.length / 3;
  if (n === 0) return;
  for (let i = 5; i < coords.length; i += 3) coords[i] = 0;
  coords[2] = KEEP;
  coords[(n - 1) * 3 + 2] = KEEP;
  spans[0] = 0;
  spans[1] = n - 1;
  caps[0] = Infinity;
  let top = 1;
  while (top > 0) {
    top--;
    const first = spans[2 * top], last = spans[2 * top + 1], parentImportance = caps[top];
    let maxSqDist = floor;
    let index = -1;
    const ax = coords[first * 3], ay = coords[first * 3 + 1];
    const bx = coords[last * 3], by = coords[last * 3 + 1];
    // sqSegDist written out: called, its result came back boxed as a heap number for every vertex.
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (let i = first + 1; i < last; i++) {
      const px = coords[i * 3], py = coords[i * 3 + 1];
      let x = ax, y = ay;
      if (dx !== 0 || dy !== 0) {
        const t = ((px - ax) * dx + (py - ay) * dy) / len2;
        if (t > 1) (x = bx), (y = by);
        else if (t > 0) (x += dx * t), (y += dy * t);
      }
      const d = (px - x) * (px - x) + (py - y) * (py - y);
      if (d > maxSqDist) {
        index = i;
        maxSqDist = d;
      }
    }
    if (index < 0) continue;
    const importance = Math.min(maxSqDist, parentImportance);
    coords[index * 3 + 2] = importance;
    // Pushed in place: a helper taking `importance` would box it (a double) on every call.
    if (top + 2 > caps.length) growStack();
    if (index - first > 1) {
      spans[2 * top] = first;
      spans[2 * top + 1] = index;
      caps[top++] = importance;
    }
    if (last - index > 1) {
      spans[2 * top] = index;
      spans[2 * top + 1] = last;
      caps[top++] = importance;
    }
  }
}

// The explicit stack, kept between calls: (first, last) vertex spans and their parents' importance.
let spans = new Int32Array(256);
let caps = new Float64Array(128);

function growStack(): void {
  const s = new Int32Array(spans.length * 2), c = new Float64Array(caps.length * 2);
  s.set(spans);
  c.set(caps);
  spans = s;
  caps = c;
}
