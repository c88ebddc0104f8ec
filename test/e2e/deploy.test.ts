// The deploy files (deploy/kubernetes/indexed-job.yaml, deploy/aws-batch/*.json) cannot run here:
// this runs the commands they give their containers, with the environment each engine sets — a
// Kubernetes Indexed Job's JOB_COMPLETION_INDEX, an AWS Batch array job's AWS_BATCH_JOB_ARRAY_INDEX
// and AWS_BATCH_JOB_ARRAY_SIZE — once per index, then the merge job's command, and compares the
// result byte for byte with one build on one machine. The shared volume (/data in both) is a
// temporary directory; `mvt-build` is the built CLI, first on PATH, as in the image (deploy/Dockerfile).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { prepareData } from '../../bench/data.js';
import { CLI, fileTree, ROOT, tempDir } from '../helpers.js';

const DEPLOY = join(ROOT, 'deploy');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  command: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface JobDoc {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } };
}

/** A shared volume with the input where the deploy files expect it, and `mvt-build` on PATH. */
function volume(): { root: string; bin: string } {
  const { 'counties.geojson': counties } = prepareData(undefined, ['counties.geojson']);
  const root = tempDir('mvt-build-deploy-');
  mkdirSync(join(root, 'data', 'in'), { recursive: true });
  mkdirSync(join(root, 'data', 'shards'));
  symlinkSync(counties, join(root, 'data', 'in', 'input.geojson'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(CLI, join(bin, 'mvt-build'));
  return { root, bin };
}

/** Runs a container's command with the volume mounted at `mount` (the path rewritten to the temporary one). */
function run(argv: string[], env: Record<string, string>, v: { root: string; bin: string }, mount = '/data'): void {
  const at = (s: string) => s.split(mount).join(join(v.root, 'data'));
  const [cmd, ...rest] = argv.map(at);
  const r = spawnSync(cmd, rest, { encoding: 'utf8', cwd: v.root, env: { PATH: `${v.bin}:${process.env.PATH}`, HOME: v.root, ...env } });
  assert.equal(r.status, 0, `${argv.join(' ')} (${JSON.stringify(env)}) failed:\n${r.stderr}`);
}

/** Kubernetes' $(VAR) expansion in command and args, from the container's environment. */
const expand = (s: string, env: Record<string, string>) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);

function assertSameTree(got: string, want: string): void {
  const a = fileTree(got), b = fileTree(want);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), 'the same files');
  assert.ok(a.size > 100, `only ${a.size} files: the build wrote almost nothing`);
  const differ = [...b].filter(([k, bytes]) => !bytes.equals(a.get(k)!)).map(([k]) => k);
  assert.deepEqual(differ, [], 'every file the same bytes');
}

/** One build on one machine, with the shards' arguments but --shard: the reference. */
function reference(shardArgs: string[], v: { root: string; bin: string }): string {
  const args = [...shardArgs];
  const at = args.indexOf('--shard');
  assert.ok(at >= 0, 'the shard command has --shard');
  args.splice(at, 2);
  const o = args.indexOf('-o');
  const out = join(v.root, 'reference', 'out'); // the same base name as /data/out: the metadata name
  args[o + 1] = out;
  mkdirSync(join(v.root, 'reference'));
  run(['mvt-build', ...args], {}, v);
  return out;
}

test('Kubernetes: the Indexed Job run once per completion index, then the merge Job, equals one build', { timeout: 10 * 60_000 }, () => {
  const docs = parseAllDocuments(readFileSync(join(DEPLOY, 'kubernetes', 'indexed-job.yaml'), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], 'the YAML parses');
    return d.toJS() as JobDoc;
  });
  assert.ok(docs.some((d) => d.kind === 'PersistentVolumeClaim'), 'a shared volume');
  const jobs = docs.filter((d) => d.kind === 'Job');
  const shards = jobs.find((j) => j.spec.completionMode === 'Indexed');
  const merge = jobs.find((j) => j !== shards);
  assert.ok(shards && merge, 'an Indexed Job and a merge Job');
  const n = shards.spec.completions!;
  assert.ok(Number.isInteger(n) && n > 1, `completions: ${n}`);
  assert.ok(shards.spec.parallelism! >= 1 && shards.spec.parallelism! <= n);
  const [c] = shards.spec.template.spec.containers;
  assert.equal(c.volumeMounts?.[0].mountPath, '/data');
  // The count is in the container's env (the pod is not told `completions`): it must agree.
  const declared = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  assert.equal(declared.MVT_BUILD_SHARDS, String(n), 'MVT_BUILD_SHARDS = completions');
  const indexVar = c.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX');
  assert.equal(indexVar?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  const v = volume();
  for (let i = 0; i < n; i++) {
    const env = { ...declared, JOB_COMPLETION_INDEX: String(i) };
    run([...c.command, ...(c.args ?? [])].map((s) => expand(s, env)), env, v);
  }
  const [m] = merge.spec.template.spec.containers;
  run([...m.command, ...(m.args ?? [])], {}, v);
  assertSameTree(join(v.root, 'data', 'out'), reference(c.args!, v));
});

test('AWS Batch: the array job run once per array index, then the dependent merge job, equals one build', { timeout: 10 * 60_000 }, () => {
  const read = (f: string) => JSON.parse(readFileSync(join(DEPLOY, 'aws-batch', f), 'utf8'));
  const definition = read('job-definition.json');
  const array = read('array-job.json');
  const mergeJob = read('merge-job.json');
  assert.equal(array.jobDefinition, definition.jobDefinitionName);
  assert.equal(mergeJob.jobDefinition, definition.jobDefinitionName);
  assert.equal(mergeJob.dependsOn?.length, 1, 'the merge waits for the array job');
  const n = array.arrayProperties.size as number;
  assert.ok(Number.isInteger(n) && n > 1, `array size ${n}`);
  const props = definition.containerProperties;
  assert.equal(props.mountPoints[0].containerPath, '/data');
  // AWS_BATCH_ is Batch's own prefix: a job definition may not set such variables.
  for (const e of props.environment ?? []) assert.ok(!e.name.startsWith('AWS_BATCH_'), e.name);
  const v = volume();
  for (let i = 0; i < n; i++) run(props.command, { AWS_BATCH_JOB_ARRAY_INDEX: String(i), AWS_BATCH_JOB_ARRAY_SIZE: String(n) }, v);
  run(mergeJob.containerOverrides.command, {}, v);
  // The shard command is `sh -c "exec mvt-build …"`: its arguments for the reference build.
  const script = props.command[2] as string;
  const args = script.replace(/^exec mvt-build /, '').split(/\s+/).map((s) => s.replace('$AWS_BATCH_JOB_ARRAY_INDEX', '0'));
  assertSameTree(join(v.root, 'data', 'out'), reference(args, v));
});
