/* eslint-disable */
// n8n external hook for the benchmark (EXTERNAL_HOOK_FILES, see scripts/benchN8n.ts `measuredExecute`): writes the
// time the run ended (its execution saved) to $BENCH_RUN_FINISHED_FILE, so the peak memory of the run can be told
// from what `n8n execute` uses afterwards to print the whole result.
const fs = require('node:fs');

module.exports = {
	workflow: {
		postExecute: [
			async function () {
				if (process.env.BENCH_RUN_FINISHED_FILE)
					fs.writeFileSync(process.env.BENCH_RUN_FINISHED_FILE, String(Date.now()));
			},
		],
	},
};
