/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console */
/**
 * `npx tsx scripts/ensure-n8n.ts` — installs the real n8n used by the end-to-end test and the demo into a per-machine
 * cache outside the repo (see scripts/lib/n8nRuntime.ts). Prints where it is; does nothing when already installed.
 */
import { ensureN8n } from './lib/n8nRuntime';

ensureN8n()
	.then((runtime) => {
		console.log(`[ensure-n8n] node24: ${runtime.node24}`);
		console.log(`[ensure-n8n] n8n:    ${runtime.n8nBin}`);
	})
	.catch((error: Error) => {
		console.error(`[ensure-n8n] FAILED: ${error.message}`);
		process.exit(1);
	});
