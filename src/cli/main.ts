// The `krustvm` command's entry (the commands are in cli.ts). Before loading the rest of krustvm
// (~110 ms of module compiling), it starts what can run meanwhile on libuv's thread pool: the
// decompression of the bundled guest's images for a `boot` (src/machine/prefetch.ts).
import { prefetchForCommand } from '../machine/prefetch.js';

prefetchForCommand(process.argv.slice(2));
await import('./cli.js');
