// MVT geometry commands (spec 4.3) back into coordinates: what the limits and the as-needed
// strategies measure a tile's features by.

/** Decodes MVT commands into parts of integer coordinates [x0, y0, x1, y1, …]. */
export function decodeCommands(g: number[] | Uint8Array): number[][] {
  const cmds = g instanceof Uint8Array ? readVarints(g) : g;
  const parts: number[][] = [];
  let x = 0, y = 0;
  for (let i = 0; i < cmds.length; ) {
    const id = cmds[i] & 7, count = cmds[i] >>> 3;
    i++;
    if (id === 7) continue;
    for (let c = 0; c < count; c++) {
      const dx = cmds[i++], dy = cmds[i++];
      x += (dx >>> 1) ^ -(dx & 1);
      y += (dy >>> 1) ^ -(dy & 1);
      if (id === 1) parts.push([]);
      parts[parts.length - 1].push(x, y);
    }
  }
  return parts;
}

function readVarints(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    let v = 0, shift = 0, byte: number;
    do {
      byte = b[i++];
      v += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    out.push(v);
  }
  return out;
}
