// The subcommands' argument parsing: commander with its exits turned into exit codes.
import { CommanderError, type Command } from 'commander';

/** Parses argv into `program`; the exit code when it should stop there (0 after --help, 2 on a usage error). */
export function parseOrExit(program: Command, argv: string[]): number | undefined {
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return undefined;
}
