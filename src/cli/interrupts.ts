// How a command stops cleanly: SIGINT (Ctrl-C), SIGTERM, SIGHUP (the terminal closed), or the death
// of the process that started it abort one AbortSignal, which the build (or publish job) honours by
// removing its temporaries and leaving any previous output as it was.
import { readFileSync } from 'node:fs';

export interface Interrupts {
  /** Aborted on the first interruption. */
  signal: AbortSignal;
  /** What interrupted, for the last message: `interrupted (SIGTERM)`, … */
  readonly why: string;
  /** Stops listening (at the end of the command). */
  dispose(): void;
}

/** Listens for the interruptions above; `parentWatch: false` keeps going when the parent exits. */
export function watchInterrupts({ parentWatch }: { parentWatch: boolean }): Interrupts {
  const abort = new AbortController();
  let why = 'interrupted';
  const onSignal = (signal: NodeJS.Signals) => {
    // The terminal is gone after a hangup: a last message to it would fail, and must not stop the cleanup.
    if (signal === 'SIGHUP') for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
    why = `interrupted (${signal})`;
    abort.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.once(s, onSignal);
  const watch = parentWatch ? watchParent((pid) => {
    why = `the process that started mvt-build (pid ${pid}) has exited`;
    abort.abort();
  }) : undefined;
  return {
    signal: abort.signal,
    get why() {
      return why;
    },
    dispose() {
      for (const s of signals) process.off(s, onSignal);
      if (watch) clearInterval(watch);
    },
  };
}

/** How often we look whether the process that started us is still there. */
const PARENT_WATCH_MS = 500;

/**
 * Calls `gone` once the process that started us has exited. A CI job's timeout or a supervisor
 * that kills `npx mvt-build` with SIGKILL kills only that process: we are then re-parented (to init
 * or a subreaper), and an orphan build would rename its result over the output minutes later.
 * npx, `npm run` and many job runners start us through `sh -c "mvt-build …"`, and the shell stays
 * between us, waiting, after its own parent is killed: then it is that shell's parent we watch
 * (Linux, through /proc). A build started already orphaned (a daemon, `setsid -f`) is not watched.
 */
function watchParent(gone: (pid: number) => void): NodeJS.Timeout | undefined {
  const parent = process.ppid;
  if (parent <= 1) return undefined;
  const grandparent = isShellWrapper(parent) ? parentOf(parent) : undefined;
  const watched = grandparent !== undefined && grandparent > 1 ? grandparent : parent;
  const timer = setInterval(() => {
    const orphaned = process.ppid !== parent || (watched !== parent && parentOf(parent) !== watched);
    if (!orphaned) return;
    clearInterval(timer);
    gone(watched);
  }, PARENT_WATCH_MS);
  timer.unref(); // never what keeps the process alive
  return timer;
}

/** The parent pid of a process, from /proc (Linux); undefined where there is no /proc or it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Is the process a POSIX shell running one `-c` command (ours)? */
function isShellWrapper(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /^(?:.*\/)?(?:sh|dash|bash|ash|ksh|zsh|busybox)$/.test(argv[0]) && argv.includes('-c');
  } catch {
    return false;
  }
}
