/** Runs the kalelab CLI from source in a child process (as bin/kalelab.js runs dist/). */
import { main } from '../../src/cli/main.js';

await main(process.argv);
