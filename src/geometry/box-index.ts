// Which rings' bounding boxes contain a given box? Nesting questions (is this hole inside that
// exterior, does this island lie in another polygon) only ever pair a ring with rings whose boxes
// contain its own, and a tile of an archipelago holds tens of thousands of rings: comparing every
// hole with every exterior, or sweeping over x alone (a coastline running north–south shares its
// x range with thousands of islands), made a third of a repair's time. A uniform grid answers it
// from the one cell that holds the query box's lowest corner.

import { gridCells } from './segment-grid.js';

export class BoxIndex {
  private readonly minX: number;
  private readonly minY: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Items of cell k at items[first[k] … first[k + 1]). */
  private readonly first: Int32Array;
  private readonly items: Int32Array;

  /** `box[4i … 4i + 3]` is item i's minX, minY, maxX, maxY. */
  constructor(private readonly box: ArrayLike<number>, count: number) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      if (box[4 * i] < minX) minX = box[4 * i];
      if (box[4 * i + 1] < minY) minY = box[4 * i + 1];
      if (box[4 * i + 2] > maxX) maxX = box[4 * i + 2];
      if (box[4 * i + 3] > maxY) maxY = box[4 * i + 3];
    }
    if (!count) minX = minY = maxX = maxY = 0;
    // About as many cells as items: rings here are mostly small islands and lakes, so most cover
    // one cell; the few large ones cover many.
    ({ cell: this.cell, cols: this.cols, rows: this.rows } = gridCells(minX, minY, maxX, maxY, count));
    this.minX = minX;
    this.minY = minY;
    const cells = this.cols * this.rows;
    const first = new Int32Array(cells + 1);
    const each = (f: (i: number, k: number) => void) => {
      for (let i = 0; i < count; i++) {
        const x0 = this.col(box[4 * i]), y0 = this.row(box[4 * i + 1]), x1 = this.col(box[4 * i + 2]), y1 = this.row(box[4 * i + 3]);
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) f(i, y * this.cols + x);
      }
    };
    // Two passes (count, then fill) into one flat array; items go in increasing order in each cell.
    each((_i, k) => first[k + 1]++);
    for (let k = 0; k < cells; k++) first[k + 1] += first[k];
    const items = new Int32Array(first[cells]);
    const fill = first.slice(0, cells);
    each((i, k) => {
      items[fill[k]++] = i;
    });
    this.first = first;
    this.items = items;
  }

  private col(x: number): number {
    const c = Math.floor((x - this.minX) / this.cell);
    return c < 0 ? 0 : c >= this.cols ? this.cols - 1 : c;
  }

  private row(y: number): number {
    const r = Math.floor((y - this.minY) / this.cell);
    return r < 0 ? 0 : r >= this.rows ? this.rows - 1 : r;
  }

  /**
   * Calls f(i) for each item whose box contains the box x0, y0 … x1, y1 (closed), in increasing i,
   * until f returns true.
   */
  containing(x0: number, y0: number, x1: number, y1: number, f: (i: number) => boolean | undefined): void {
    if (x0 < this.minX || y0 < this.minY) return;
    const k = this.row(y0) * this.cols + this.col(x0), box = this.box;
    for (let e = this.first[k]; e < this.first[k + 1]; e++) {
      const i = this.items[e];
      if (box[4 * i] <= x0 && box[4 * i + 1] <= y0 && box[4 * i + 2] >= x1 && box[4 * i + 3] >= y1 && f(i)) return;
    }
  }
}
