// Checks on where an output goes, shared by the sinks that write files.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The output's parent directory must exist: a typo in a path (`/data/tilse/out`) would otherwise
 * build a tree of directories nobody asked for. GDAL refuses the same way.
 */
export async function checkParentDirectory(path: string): Promise<void> {
  const parent = dirname(path);
  const st = await stat(parent).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new InputError(`the output's parent directory ${parent} does not exist (create it first)`, path);
    throw new InputError(`cannot write output: ${e.message}`, path);
  });
  if (!st.isDirectory()) throw new InputError(`cannot write output: ${parent} is not a directory`, path);
}
