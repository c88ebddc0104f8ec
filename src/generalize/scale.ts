// Zooms chosen by map scale, in any grid: --max-scale 1:N (the most detailed view the tileset must
// serve) and --min-scale 1:N (the least detailed). The scale of a zoom is the OGC scale denominator of
// its tile matrix — a 256-pixel tile's cell size in metres over the standard 0.28 mm pixel, the
// figures tilematrixset.json holds — so 1:50,000 means the same in ETRS-TM35FIN as in Web Mercator.
import { MAX_ZOOM, type TilingScheme } from '../scheme/tiling-scheme.js';
import { scaleDenominator } from '../scheme/ogc-tms.js';

/** Two scales are the same within this ratio (registry denominators are given rounded). */
const SAME = 1e-9;

/** The N of a scale written `1:N` or `N` (thousands may be grouped: `1:25,000`, `1:25 000`). */
export function parseScale(text: string | number): number | undefined {
  const t = typeof text === 'number' ? String(text) : text.trim().replace(/^1\s*:\s*/, '').replace(/(?<=\d)[,_ ](?=\d{3})/g, '');
  const n = Number(t);
  return t !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The zoom a scale asks for. For the most detailed view (`max`): the first zoom at least as detailed
 * as 1:N (its denominator ≤ N), so that view is drawn from full detail. For the least detailed view
 * (`min`): the last zoom no more detailed than 1:N (denominator ≥ N), so that view has tiles of its
 * own (zoom 0 when 1:N is coarser than zoom 0). Undefined when 1:N is finer than zoom 30 (`max`).
 */
export function zoomForScale(s: TilingScheme, metersPerUnit: number, n: number, which: 'min' | 'max'): number | undefined {
  const d = (z: number) => scaleDenominator(s, z, metersPerUnit);
  if (which === 'max') {
    for (let z = 0; z <= MAX_ZOOM; z++) if (d(z) <= n * (1 + SAME)) return z;
    return undefined;
  }
  let zoom: number | undefined;
  for (let z = 0; z <= MAX_ZOOM && d(z) >= n * (1 - SAME); z++) zoom = z;
  return zoom ?? 0; // coarser than zoom 0: zoom 0 is as far out as tiles go
}
