// Which modules a process loads: `node --import dist/testkit/module-trace.js PROGRAM`, with MODULE_TRACE_FILE naming
// the file that gets one URL per line. Node's own module hooks see every ES module and the CommonJS entry of each
// package imported from one (a package's inner require()s do not pass them, which is enough to name the package).
import { register } from 'node:module';

const file = process.env.MODULE_TRACE_FILE;
if (!file) throw new Error('module-trace: set MODULE_TRACE_FILE to the file that receives the loaded URLs');
register('./module-trace-hooks.js', import.meta.url, { data: { file } });
