// The dimension picker: one control per dimension of the tileset — a list of its values for a
// `values` dimension, a text field (its built values offered) for `regex` and `time`, the default
// selected — whose choice becomes the `?NAME=value` query of the descriptors the map reads. A value
// the server refuses (400) or has no tiles for (404) is shown, and the map keeps what it draws.
import type { PreviewDimension } from './context.js';

/** The query for the page's own URL's dimension parameters (`?year=2023`), '' for none. */
export function initialQuery(dimensions: readonly PreviewDimension[], search: string): string {
  const asked = new URLSearchParams(search);
  const out = new URLSearchParams();
  for (const d of dimensions) {
    const v = asked.get(d.name);
    if (v) out.set(d.name, v);
  }
  const q = out.toString();
  return q ? `?${q}` : '';
}

export function fillDimensionPicker(box: HTMLElement, dimensions: readonly PreviewDimension[], query: string, base: string, apply: (query: string) => void): void {
  if (!dimensions.length) return;
  box.hidden = false;
  const current = new URLSearchParams(query);
  const error = Object.assign(document.createElement('p'), { id: 'dimension-error', className: 'error' });
  const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const change = async () => {
    const params = new URLSearchParams();
    for (const [name, c] of controls) if (c.value.trim()) params.set(name, c.value.trim());
    const q = params.toString() ? `?${params}` : '';
    // Asked of the server first: it resolves and validates, as it will for every tile.
    const r = await fetch(`${base}tilejson.json${q}`);
    if (!r.ok) {
      error.textContent = (await r.text()).trim();
      return;
    }
    error.textContent = '';
    apply(q);
  };
  for (const d of dimensions) {
    const label = document.createElement('label');
    let control: HTMLInputElement | HTMLSelectElement;
    if (d.type === 'values') {
      control = document.createElement('select');
      for (const v of d.values) control.append(new Option(v, v));
    } else {
      control = Object.assign(document.createElement('input'), { type: 'text', spellcheck: false });
      control.placeholder = d.type === 'time' ? 'instant, period or start/end' : (d.regex ?? '');
      const list = Object.assign(document.createElement('datalist'), { id: `dimension-values-${d.name}` });
      for (const v of d.values) list.append(new Option(v, v));
      control.setAttribute('list', list.id);
      label.append(list);
    }
    control.value = current.get(d.name) ?? d.default;
    control.dataset.dimension = d.name;
    control.title = `${d.type}${d.regex ? ` ${d.regex}` : ''}, default ${d.default}`;
    control.addEventListener('change', change);
    controls.set(d.name, control);
    label.prepend(document.createTextNode(d.name), control);
    box.append(label);
  }
  box.append(error);
}
