// `:name` placeholders in a layer's SQL `where` (MapCache's `:dim`): found and replaced outside quoted
// text only, so that `'12:30'` or `"a:b"` are left alone, and replaced by SQL string literals, so that
// a value cannot end the literal and add SQL of its own.

/** The placeholders of a condition, in order of appearance (`:year`, `:dim`), without the colon. */
export function wherePlaceholders(sql: string): string[] {
  const out: string[] = [];
  scan(sql, (name) => {
    out.push(name);
    return undefined;
  });
  return out;
}

/**
 * The condition with each `:name` of `values` replaced by the value as a quoted SQL literal
 * (`'2024'`, quotes doubled). Placeholders not in `values` are an error: no `where` may run half done.
 */
export function substituteWhere(sql: string, values: Readonly<Record<string, string>>): string {
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return scan(sql, (name) => {
    const v = lower.get(name.toLowerCase());
    if (v === undefined) throw new Error(`no value for :${name} in ${JSON.stringify(sql)}`);
    return `'${v.replace(/'/g, "''")}'`;
  });
}

/** Walks the SQL text, skipping '…', "…" and […] (SQLite's quotes) and `::` casts; `on` may replace a placeholder. */
function scan(sql: string, on: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '[' || c === '`') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === close) {
          if (close !== ']' && sql[j + 1] === close) j++; // a doubled quote inside the text
          else break;
        }
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ':' && sql[i + 1] === ':') {
      out += '::';
      i += 2;
      continue;
    }
    if (c === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j])) j++;
      const name = sql.slice(i + 1, j);
      const r = on(name);
      out += r ?? sql.slice(i, j);
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
