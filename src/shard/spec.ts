// Which shard of how many a build is (`--shard I/N`, `--shard auto[/N]`). `auto` takes the index from
// the batch engine: a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX, an AWS Batch array job
// AWS_BATCH_JOB_ARRAY_INDEX. Neither engine tells a task how many there are (Kubernetes keeps
// `completions` in the Job spec only), so the count comes from `auto/N`, else MVT_BUILD_SHARDS (the
// deploy files set it), else AWS_BATCH_JOB_ARRAY_SIZE.
import { UsageError } from '../errors.js';

export interface ShardSpec {
  index: number;
  count: number;
}

/** Most shards of one build. */
export const MAX_SHARDS = 10_000;

const INDEX_VARS = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'];
const COUNT_VARS = ['MVT_BUILD_SHARDS', 'AWS_BATCH_JOB_ARRAY_SIZE'];

export function resolveShard(given: string | ShardSpec, env: Record<string, string | undefined> = process.env): ShardSpec {
  if (typeof given !== 'string') return checked(given.index, given.count, `${given.index}/${given.count}`);
  const text = given.trim();
  const auto = /^auto(?:\/(\d+))?$/.exec(text);
  if (auto) {
    const from = INDEX_VARS.find((v) => env[v] !== undefined && env[v] !== '');
    if (!from) throw new UsageError(`--shard auto: neither ${INDEX_VARS.join(' nor ')} is set (run it as a Kubernetes Indexed Job or an AWS Batch array job, or give --shard I/N)`);
    const countVar = auto[1] === undefined ? COUNT_VARS.find((v) => env[v] !== undefined && env[v] !== '') : undefined;
    if (auto[1] === undefined && !countVar) throw new UsageError(`--shard auto: how many shards? give --shard auto/N or set ${COUNT_VARS.join(' or ')}`);
    const count = auto[1] ?? env[countVar!]!;
    return checked(integer(env[from]!, from), integer(count, countVar ?? '--shard auto/N'), `${from}=${env[from]}`);
  }
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new UsageError(`--shard must be I/N (0 ≤ I < N), auto or auto/N, got "${given}"`);
  return checked(Number(m[1]), Number(m[2]), text);
}

function integer(v: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(v)) throw new UsageError(`${name} must be a whole number, got "${v}"`);
  return Number(v);
}

function checked(index: number, count: number, what: string): ShardSpec {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard ${what}: the number of shards must be 1..${MAX_SHARDS}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new UsageError(`--shard ${what}: the index must be 0..${count - 1}`);
  return { index, count };
}
