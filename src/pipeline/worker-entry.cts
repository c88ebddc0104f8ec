// The file piscina starts each worker thread with. Piscina loads it with require() first; on Node
// 20.19+, require() of an ES module worked but crashed the process now and then as worker threads
// started (SIGABRT, "v8::Module::IsGraphAsync must be used on an instantiated module": 3 runs in 600
// of a small build). So the entry is CommonJS, and the tiler's ES modules come in through import().
import type { Task } from './tasks.js';

let handler: Promise<(task: Task) => unknown> | undefined;

export = async function run(task: Task): Promise<unknown> {
  handler ??= import('./worker.js').then((m) => m.default);
  return (await handler)(task);
};
