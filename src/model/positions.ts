// Coordinates as the readers hand them to geometry/convert: one packed Float64Array per list.

/** Positions packed as x0, y0, x1, y1, … (ordinates past the second are dropped, as the tiler does). */
export class PositionList {
  constructor(
    readonly xy: Float64Array,
    /** A lone position (a Point's coordinates) rather than a list of them. */
    readonly single: boolean,
  ) {}

  get length(): number {
    return this.xy.length / 2;
  }
}
