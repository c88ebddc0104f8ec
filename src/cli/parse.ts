// The subcommands' argument parsing: commander with exitOverride, so that --help and --version print
// and exit 0, and a usage error (already printed by commander) exits 2.
import { type Command, CommanderError } from 'commander';

/** Parses argv into `program`; the exit code when the command is not to run (help, version, usage error). */
export function parseArguments(program: Command, argv: string[]): number | undefined {
  try {
    program.parse(argv, { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}
