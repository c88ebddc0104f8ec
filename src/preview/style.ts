// The preview's colours: one per layer from a palette of distinct hues (Tableau 10), polygons filled
// at FILL_OPACITY over the map's background and outlined, lines drawn full, points as dots.
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
/** The map's background (preview.css #map, MapLibre's background layer): where nothing is drawn. */
export const BACKGROUND = '#f4f3ef';
export const FILL_OPACITY = 0.6;

export const colorOf = (index: number) => PALETTE[index % PALETTE.length];

export function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `#rrggbb` with an alpha, as rgba() text both libraries take. */
export function rgba(hex: string, alpha: number): string {
  return `rgba(${rgb(hex).join(', ')}, ${alpha})`;
}

/** The outline of a fill: the same hue, darker. */
export function darker(hex: string): string {
  return `rgb(${rgb(hex).map((c) => Math.round(c * 0.6)).join(', ')})`;
}
