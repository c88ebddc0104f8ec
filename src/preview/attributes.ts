// Attributes of a clicked feature from `mvt-build publish`'s side files: a feature's id says where
// they are, id = page · 65536 + index (docs/publish.md), so the page fetches `attr/XXXX.json` once
// and takes element `index`. The record is the source row as published (its columns, the computed
// GeomArea/GeomPerimeter/GeomLength); its `geom`, the whole feature's geometry, is named by type.
import type { PickedFeature } from './context.js';

/** A picked feature with the record of its id in place of what the tile carried (when it has one). */
export function attributeLookup(base: string, template: string): (f: PickedFeature) => Promise<PickedFeature> {
  const pages = new Map<number, Promise<Record<string, unknown>[]>>();
  const page = (n: number) => {
    let p = pages.get(n);
    if (!p) {
      const url = new URL(template.replace('{page}', n.toString(16).padStart(4, '0')), base).href;
      p = fetch(url).then(async (r) => {
        if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
        return (await r.json()) as Record<string, unknown>[];
      });
      // A failed fetch is tried again on the next click.
      p.catch(() => pages.delete(n));
      pages.set(n, p);
    }
    return p;
  };
  return async (f) => {
    if (typeof f.id !== 'number' || !Number.isInteger(f.id) || f.id < 0) return f;
    const record = (await page(Math.floor(f.id / 65536)))[f.id % 65536];
    if (!record) throw new Error(`no attributes for id ${f.id}`);
    const { geom, ...properties } = record;
    const type = geom && typeof geom === 'object' ? (geom as { type?: unknown }).type : undefined;
    return { ...f, properties: { ...properties, ...(typeof type === 'string' ? { geom: type } : {}) } };
  };
}
