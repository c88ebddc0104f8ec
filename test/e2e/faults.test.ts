// Faults found by killing and racing real builds (issue 8): each test drives real processes — the
// built CLI, SQLite writers, wrappers — and waits for them with deadlines, never with fixed sleeps.
// Builds are held mid-way deterministically by reading their input from a FIFO the test writes.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { HOST } from '../../src/temporaries.js';
import { haveGdal } from './gdal-helpers.js';
import { CLI, fixture, listTiles, readTile, ROOT, runCli, tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as new (path: string, o?: { readonly?: boolean }) => {
  prepare(sql: string): { get(...a: unknown[]): Record<string, unknown> | undefined };
  pragma(sql: string, o?: { simple: boolean }): unknown;
  close(): void;
};

const DEADLINE_MS = 20_000;

/** Polls until `cond` holds; fails the test (instead of hanging) after the deadline. */
async function waitFor(cond: () => boolean, what: string, ms = DEADLINE_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnCli(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, stderr: () => err, exit };
}

/** Waits for a child's exit, killing it if it does not come by the deadline. */
async function exited(run: Run, ms = DEADLINE_MS): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${ms} ms; stderr: ${run.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([run.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Is the process running (not gone, not a zombie nobody reaped yet)? */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

function makeFifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, `mkfifo: ${r.stderr}`);
}

/**
 * Opens the FIFO for writing once the build has opened it for reading, which it does only after its
 * sink is open (lock taken, temporary made). Until the returned fd is closed the build waits for input.
 */
async function fifoWriter(path: string, build: Run): Promise<number> {
  let probe = -1;
  await waitFor(() => {
    if (build.child.exitCode !== null) throw new Error(`build exited early: ${build.stderr()}`);
    try {
      probe = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e; // ENXIO: no reader yet
      return false;
    }
  }, 'the build to open its input');
  // A blocking descriptor for the writes (a reader is there, so this open returns at once).
  const fd = openSync(path, 'w');
  closeSync(probe);
  return fd;
}

const pointLines = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: [(i % 360) - 179.5, (Math.floor(i / 360) % 160) - 79.5] } })).join('\n') + '\n';

/** Temporaries named after a process (`…PID@HOST-RANDOM…`) in a directory. */
const owned = (dir: string) => readdirSync(dir).filter((f) => /\d+@.+-[0-9a-f]{8}/.test(f));

// ---------------------------------------------------------------------------------------------------
// 1. --force over an .mbtiles whose old journal (-wal/-shm) is still beside it

/** A child that switches the file to WAL mode, changes it without a checkpoint, and stays alive. */
function walWriter(file: string): Run & { ready: Promise<void> } {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.env.MBTILES);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.prepare("UPDATE metadata SET value = 'stale-name' WHERE name = 'name'").run();
    db.prepare("INSERT INTO map VALUES (9, 1, 1, 999999)").run();
    db.prepare("INSERT INTO images VALUES (999999, x'00')").run();
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, MBTILES: file }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    void exit.then(() => reject(new Error(`WAL writer exited: ${err}`)));
  });
  return { child, stderr: () => err, exit, ready: Promise.race([ready, waitFor(() => false, 'the WAL writer', DEADLINE_MS)]) };
}

function oldMbtiles(): string {
  const file = join(tempDir(), 'o.mbtiles');
  const r = runCli([fixture('finland-sample.geojson'), '-o', file, '-z', '3', '--name', 'old-name', '-q']);
  assert.equal(r.status, 0, r.stderr);
  return file;
}

/** Replaces `file` with a build of points.geojsons and checks what a reader then finds there. */
function replaceAndReadBack(file: string): void {
  const r = runCli([fixture('points.geojsons'), '-o', file, '-z', '2', '--force', '--name', 'new-name', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { tiles: number };
  assert.equal(summary.tiles, 3);
  assert.ok(!existsSync(file + '-wal') && !existsSync(file + '-shm') && !existsSync(file + '-journal'), 'the old journal is gone');
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(db.prepare("SELECT value FROM metadata WHERE name = 'name'").get()!.value, 'new-name');
    assert.equal(db.prepare("SELECT value FROM metadata WHERE name = 'maxzoom'").get()!.value, '2');
    assert.equal(db.prepare('SELECT count(*) AS n FROM tiles').get()!.n, 3);
    assert.equal(db.prepare("SELECT count(*) AS n FROM map WHERE tile_id = 999999").get()!.n, 0, 'no row of the old file');
  } finally {
    db.close();
  }
  if (haveGdal) {
    const info = spawnSync('ogrinfo', ['-ro', '-so', '-al', file], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /^\s*name=new-name$/m);
    assert.match(info.stdout, /^Layer name: points$/m);
    assert.match(info.stdout, /^Feature Count: 2$/m);
    assert.doesNotMatch(info.stdout, /finland-sample/);
  }
}

test('--force over an .mbtiles held open by a WAL writer that never checkpointed: the new file reads back whole', async () => {
  const file = oldMbtiles();
  const writer = walWriter(file);
  try {
    await writer.ready;
    assert.ok(existsSync(file + '-wal') && existsSync(file + '-shm'));
    replaceAndReadBack(file);
  } finally {
    writer.child.kill('SIGKILL');
    await writer.exit;
  }
  // The writer, now gone, changed nothing of the new file.
  const db = new Database(file, { readonly: true });
  assert.equal(db.prepare("SELECT value FROM metadata WHERE name = 'name'").get()!.value, 'new-name');
  db.close();
});

test('--force over an .mbtiles whose WAL writer was killed (SIGKILL), leaving -wal and -shm: the new file reads back whole', async () => {
  const file = oldMbtiles();
  const writer = walWriter(file);
  await writer.ready;
  writer.child.kill('SIGKILL');
  assert.equal((await writer.exit).signal, 'SIGKILL');
  assert.ok(existsSync(file + '-wal') && existsSync(file + '-shm'), 'the dead writer left its journal');
  replaceAndReadBack(file);
});

// ---------------------------------------------------------------------------------------------------
// 2. Two builds into one output

test('a second build into an output that a running build is writing is refused, --force or not, naming the pid', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'slow.geojsons');
  makeFifo(fifo);
  const out = join(dir, 'o');
  const first = spawnCli([fifo, '-o', out, '-z', '1', '-q']);
  const fd = await fifoWriter(fifo, first);
  try {
    for (const extra of [[], ['--force']]) {
      const second = runCli([fixture('points.geojsons'), '-o', out, '-z', '0', ...extra]);
      assert.equal(second.status, 1, second.stderr);
      assert.equal(second.stderr, `mvt-build: another mvt-build is writing ${out} (pid ${first.child.pid}); wait for it to finish, or remove ${join(dir, '.o.lock')} if no build is running\n`);
    }
    writeSync(fd, pointLines(3));
  } finally {
    closeSync(fd);
  }
  assert.deepEqual(await exited(first), { code: 0, signal: null }, first.stderr());
  assert.equal(readTile(out, 0, 0, 0).layers.slow.length, 3, "the first build's tileset, whole");
  assert.deepEqual(readdirSync(dir).sort(), ['o', 'slow.geojsons'], 'lock released, no temporaries');
  // Once it is done, the output is free again (and needs --force, as ever).
  assert.equal(runCli([fixture('points.geojsons'), '-o', out, '-z', '0', '-q']).status, 2);
  assert.equal(runCli([fixture('points.geojsons'), '-o', out, '-z', '0', '-q', '--force']).status, 0);
});

for (const kind of ['directory', 'mbtiles'] as const) {
  test(`an output that appears while building (${kind}) is not replaced without --force`, async () => {
    const dir = tempDir();
    const fifo = join(dir, 'slow.geojsons');
    makeFifo(fifo);
    const out = join(dir, kind === 'mbtiles' ? 'o.mbtiles' : 'o');
    const build = spawnCli([fifo, '-o', out, '-z', '1', '-q']);
    const fd = await fifoWriter(fifo, build);
    try {
      // Something other than mvt-build (which the lock keeps out) writes the output meanwhile.
      if (kind === 'mbtiles') writeFileSync(out, 'not ours');
      else {
        mkdirSync(out);
        writeFileSync(join(out, 'keep.txt'), 'not ours');
      }
      writeSync(fd, pointLines(3));
    } finally {
      closeSync(fd);
    }
    const { code } = await exited(build);
    assert.equal(code, 2, build.stderr());
    assert.match(build.stderr(), new RegExp(`output ${out.replace(/[.]/g, '\\.')} appeared while building.*use --force`));
    assert.equal(readFileSync(kind === 'mbtiles' ? out : join(out, 'keep.txt'), 'utf8'), 'not ours');
    if (kind === 'directory') assert.deepEqual(readdirSync(out), ['keep.txt']);
    assert.deepEqual(readdirSync(dir).sort(), [kind === 'mbtiles' ? 'o.mbtiles' : 'o', 'slow.geojsons'], 'no temporaries, no lock');
  });
}

// ---------------------------------------------------------------------------------------------------
// 3. Hangups, and what killed builds leave behind

/** A build held open on a FIFO, with enough features sent that its store has spilled to --temp-dir. */
async function heldBuild(dir: string, extra: string[] = []): Promise<{ build: Run; fd: number; spill: string; out: string }> {
  const fifo = join(dir, 'slow.geojsons');
  makeFifo(fifo);
  const spill = join(dir, 'spill');
  mkdirSync(spill);
  const out = join(dir, 'o');
  // 64 KiB of memory: the first batch of 2,000 features (a few MB of fragments at z0–10) spills.
  const build = spawnCli([fifo, '-o', out, '-z', '10', '--memory-budget', '0.0625', '--temp-dir', spill, '-q', ...extra]);
  const fd = await fifoWriter(fifo, build);
  writeSync(fd, pointLines(2500));
  await waitFor(() => owned(spill).length === 1 && owned(dir).length === 1, 'the spill directory and the hidden output directory');
  return { build, fd, spill, out };
}

test('SIGHUP stops the build like Ctrl-C (exit 130) and leaves neither output, temporary nor spill directory', async () => {
  const dir = tempDir();
  const { build, fd, spill } = await heldBuild(dir);
  try {
    assert.ok(existsSync(join(dir, '.o.lock')));
    build.child.kill('SIGHUP');
    // The message comes once everything is cleaned up, while the build still waits on its input.
    await waitFor(() => /interrupted/.test(build.stderr()), 'the message');
    assert.match(build.stderr(), /^mvt-build: interrupted \(SIGHUP\); stopped, nothing was written$/m);
    assert.deepEqual(readdirSync(spill), []);
    assert.deepEqual(readdirSync(dir).sort(), ['slow.geojsons', 'spill']);
  } finally {
    // A read pending on a FIFO holds the process until its writer closes (see docs/cli.md).
    closeSync(fd);
  }
  assert.deepEqual(await exited(build), { code: 130, signal: null });
  assert.deepEqual(readdirSync(dir).sort(), ['slow.geojsons', 'spill']);
});

test('a new build removes the temporaries of killed builds (and reports them), never those of live processes', async () => {
  const dir = tempDir();
  const { build, fd, spill, out } = await heldBuild(dir);
  const killedPid = build.child.pid!;
  build.child.kill('SIGKILL');
  assert.equal((await exited(build)).signal, 'SIGKILL');
  closeSync(fd);
  const leftOutput = owned(dir), leftSpill = owned(spill);
  assert.equal(leftOutput.length, 1);
  assert.ok(leftOutput[0].startsWith(`.o.tmp-${killedPid}@`), leftOutput[0]);
  assert.ok(leftSpill[0].startsWith(`mvt-build-spill-${killedPid}@`), leftSpill[0]);
  assert.ok(existsSync(join(dir, '.o.lock')), 'the killed build left its lock');
  // A temporary of another dead process, of a live one (this test's), of another host, and a stranger.
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  assert.ok(!running(dead));
  mkdirSync(join(spill, `mvt-build-spill-${dead}@${HOST}-0badcafe`));
  const keep = [`mvt-build-spill-${process.pid}@${HOST}-00c0ffee`, `mvt-build-spill-${dead}@another-host-00c0ffee`, 'mvt-build-spill-notes'];
  for (const k of keep) mkdirSync(join(spill, k));
  mkdirSync(join(dir, `.o.tmp-${process.pid}@${HOST}-1234abcd`));

  const r = runCli([fixture('points.geojsons'), '-o', out, '-z', '0', '--temp-dir', spill]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /, removed 3 stale temporaries of earlier builds\n/);
  assert.deepEqual(readdirSync(spill).sort(), [...keep].sort(), 'live, foreign and unrelated entries kept');
  assert.deepEqual(readdirSync(dir).sort(), [`.o.tmp-${process.pid}@${HOST}-1234abcd`, 'o', 'slow.geojsons', 'spill'], 'the stale lock taken over and released');
  assert.deepEqual(listTiles(out), ['0/0/0']);
  const json = runCli([fixture('points.geojsons'), '-o', out, '-z', '0', '--temp-dir', spill, '--force', '--json']);
  assert.equal(JSON.parse(json.stdout).staleTemporaries, 0, 'nothing stale the second time');
});

// ---------------------------------------------------------------------------------------------------
// 4. The process that started us is killed

for (const via of ['node', 'sh -c'] as const) {
  test(`killing the wrapper that started the CLI (${via}, as npx) with SIGKILL stops the build: no output, no temporaries`, async () => {
    const dir = tempDir();
    const fifo = join(dir, 'slow.geojsons');
    makeFifo(fifo);
    const out = join(dir, 'o');
    const argv = [process.execPath, CLI, fifo, '-o', out, '-z', '1'];
    // npx runs `sh -c "mvt-build …"`, and dash does not exec it: the shell stays between, as here.
    const command = via === 'node' ? argv : ['sh', '-c', argv.map((a) => `'${a}'`).join(' ')];
    const script = `
      const c = require('child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: ['ignore', 'inherit', 'inherit'] });
      setInterval(() => {}, 1000);`;
    const w = spawn(process.execPath, ['-e', script, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    w.stderr!.on('data', (d) => (err += d));
    const run: Run = { child: w, stderr: () => err, exit: new Promise((r) => w.on('exit', (code, signal) => r({ code, signal }))) };
    const fd = await fifoWriter(fifo, run);
    let cliPid = 0;
    try {
      // The CLI: the process holding the lock.
      cliPid = (JSON.parse(readFileSync(join(dir, '.o.lock'), 'utf8')) as { pid: number }).pid;
      assert.ok(running(cliPid));
      w.kill('SIGKILL');
      await run.exit;
      // Printed once it has cleaned up, while it still waits on its input.
      await waitFor(() => /has exited; stopped/.test(err), 'the orphaned CLI to stop');
      assert.match(err, /^mvt-build: the process that started mvt-build \(pid \d+\) has exited; stopped, nothing was written$/m);
      assert.deepEqual(readdirSync(dir), ['slow.geojsons'], 'no output, no temporary, no lock');
    } finally {
      closeSync(fd); // a read pending on a FIFO holds the process until its writer closes (see docs/cli.md)
    }
    await waitFor(() => !running(cliPid), 'the orphaned CLI to exit');
    assert.deepEqual(readdirSync(dir), ['slow.geojsons'], 'no output, no temporary, no lock');
  });
}
