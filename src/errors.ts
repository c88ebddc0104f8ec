// The two kinds of failure a user can cause: misuse (exit 2) and unreadable input (exit 1).

/** Bad options or arguments: the command line or the options object is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Input that cannot be read: a missing or broken file, an unknown CRS, an unwritable output. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
  }
}

/** Where a bad feature sits, so the message can name it. */
export interface FeatureLocation {
  file?: string;
  layer: string;
  index: number;
  /** Line of the file (GeoJSONSeq), which is what a user can go to; the index alone is not. */
  line?: number;
  id?: unknown;
}

/** One malformed feature (wrong structure, bad coordinates, unknown type). */
export class FeatureError extends InputError {
  override name = 'FeatureError';
  constructor(readonly problem: string, readonly location: FeatureLocation) {
    super(`${describeFeature(location)}: ${problem}`, location.file);
  }
}

export function describeFeature(loc: FeatureLocation): string {
  const notes: string[] = [];
  if (loc.line !== undefined) notes.push(`line ${loc.line}`);
  if (loc.id !== undefined) notes.push(`id ${JSON.stringify(loc.id)}`);
  return `layer "${loc.layer}", feature #${loc.index}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
