// A feature's place on a Hilbert curve through the scheme's tile matrix, as one number: the order in
// which thinning walks the features (as tippecanoe walks its index). The zoom-0 matrix (W0 × H0
// tiles) sits in the top-left corner of a square of 2^k × 2^k zoom-0 tiles, and the curve runs
// through that square down to CURVE_DEPTH levels, so that every tile of every zoom is one stretch of
// the curve: the tile at zoom z holding a key is floor(key / 4^(CURVE_DEPTH − k − z)).

/** Levels of the curve: 4^26 = 2^52 positions, every key an exact integer in a double. */
export const CURVE_DEPTH = 26;

/** k: the square's side is 2^k zoom-0 tiles, the smallest power of two that holds the matrix. */
export function squareLevels(w0: number, h0: number): number {
  return Math.ceil(Math.log2(Math.max(w0, h0, 1)));
}

/**
 * The Hilbert key of a position (u, v) in zoom-0 tile units, with k = squareLevels(W0, H0); a
 * position outside the square is moved onto its edge.
 */
export function curveKey(u: number, v: number, k: number): number {
  const n = 2 ** CURVE_DEPTH;
  const scale = n / 2 ** k;
  const x = Math.min(n - 1, Math.max(0, Math.floor(u * scale)));
  const y = Math.min(n - 1, Math.max(0, Math.floor(v * scale)));
  return hilbert(x, y, n);
}

/** The distance along the Hilbert curve of the cell (x, y) of an n × n grid (n a power of two). */
function hilbert(x: number, y: number, n: number): number {
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = x >= s ? 1 : 0;
    const ry = y >= s ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so that the curve inside it runs the standard way.
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - (x % s);
        y = s - 1 - (y % s);
      }
      const t = x;
      x = y;
      y = t;
    }
    x %= s;
    y %= s;
  }
  return d;
}

/** The tile at zoom z holding a key, as a number along the curve (equal for keys in the same tile). */
export function tileOfKey(key: number, z: number, k: number): number {
  const shift = CURVE_DEPTH - k - z;
  return shift <= 0 ? key : Math.floor(key / 4 ** shift);
}

/**
 * The order of keys[0 … n−1] along the curve: an LSD radix sort on four 13-bit digits, stable, so
 * that equal keys keep their order (input order, in which they were collected).
 */
export function curveOrder(keys: Float64Array, n: number): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(1 << 13);
  for (let pass = 0; pass < 4; pass++) {
    const div = 2 ** (13 * pass);
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(keys[i] / div) & 0x1fff]++;
    let sum = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = order[i];
      next[counts[Math.floor(keys[j] / div) & 0x1fff]++] = j;
    }
    [order, next] = [next, order];
  }
  return order;
}
