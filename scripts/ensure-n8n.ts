/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console */
/**
 * `npx tsx scripts/ensure-n8n.ts [--n8n <version>]` — installs the real n8n used by the end-to-end test and the demo
 * into a per-machine cache outside the repo (see testing/n8nRuntime.ts). Prints where it is; does nothing when
 * already installed. Without --n8n: JIKEYUN_KINGDEE_N8N_VERSION, else 2.40.7. `--n8n 1.x` means N8N_1X_VERSION.
 */
import { N8N_1X_VERSION, N8N_VERSION_ENV_VAR, ensureN8n } from '../testing/n8nRuntime';

const [flag, value] = process.argv.slice(2);
if (flag !== undefined && (flag !== '--n8n' || !value)) {
	console.error('usage: npx tsx scripts/ensure-n8n.ts [--n8n <version> | --n8n 1.x]');
	process.exit(2);
}
if (value) process.env[N8N_VERSION_ENV_VAR] = value === '1.x' ? N8N_1X_VERSION : value;

ensureN8n()
	.then((runtime) => {
		console.log(`[ensure-n8n] node: ${runtime.node24}`);
		console.log(`[ensure-n8n] n8n ${runtime.n8nVersion}: ${runtime.n8nBin}`);
	})
	.catch((error: Error) => {
		console.error(`[ensure-n8n] FAILED: ${error.message}`);
		process.exit(1);
	});
