/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console */
/**
 * `npm run demo` — the whole user journey on one machine, offline: a real n8n 2.40.7 (installed once into the cache
 * with the Node it needs: this one when it is 24 or newer, else npm's build for this platform; see ensure-n8n.ts)
 * with this package installed from its packed tarball, both emulators seeded with shops, the sample workflow
 * imported with credentials pointing at the emulators, one full sync, and a short report.
 *
 *   npm run demo                      sync and report, then stop everything
 *   npm run demo -- --open            …then leave n8n running at http://localhost:5678 with the workflow open (Ctrl-C stops)
 *   npm run demo -- --open --port 5679 --shops 500 --listen 0.0.0.0
 *   npm run demo -- --write-readme    …and put the report into README.md and README.zh-CN.md (between the
 *                                     demo-report markers), so the README shows what a real run printed
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { N8N_VERSION, NodeUnavailableError, ensureN8n, formatElapsed } from '../testing/n8nRuntime';
import {
	createN8nInstance,
	importCredentials,
	importWorkflow,
	ownerManagedByEnv,
	packPackage,
	readWorkflow,
	startN8nServer,
	stopAllN8nProcesses,
	type N8nServer,
} from '../testing/n8nInstance';
import {
	SYNC_WORKFLOW_FILE,
	activeShops,
	describeFailure,
	emulatorCredentialsFor,
	executeWithOneRetry,
	startEmulatorPair,
	syncCountsFromRun,
	type EmulatorPair,
} from '../testing/sampleSync';

interface DemoOptions {
	open: boolean;
	writeReadme: boolean;
	port: number;
	shops: number;
	listen: string;
}

const USAGE = 'usage: npm run demo -- [--open] [--port 5678] [--shops 200] [--listen 127.0.0.1] [--write-readme]';
const OWNER = { email: 'demo@example.com', password: 'Demo-n8n-2024', firstName: 'Demo', lastName: 'User' };

function parseArgs(argv: string[]): DemoOptions {
	const options: DemoOptions = { open: false, writeReadme: false, port: 5678, shops: 200, listen: '127.0.0.1' };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => inline ?? argv[++i];
		if (flag === '--open') options.open = true;
		else if (flag === '--write-readme') options.writeReadme = true;
		else if (flag === '--port') options.port = Number(value());
		else if (flag === '--shops') options.shops = Number(value());
		else if (flag === '--listen') options.listen = value();
		else if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else {
			console.error(`unknown option ${flag}\n${USAGE}`);
			process.exit(2);
		}
	}
	if (!Number.isInteger(options.port) || options.port <= 0 || !Number.isInteger(options.shops) || options.shops < 1) {
		console.error(USAGE);
		process.exit(2);
	}
	return options;
}

const log = (line: string) => console.log(line);

const README_FILES = ['README.md', 'README.zh-CN.md'].map((name) => path.join(__dirname, '..', name));
const REPORT_BLOCK = /(<!-- demo-report:[^\n]*-->\n)[\s\S]*?(<!-- \/demo-report -->)/;

/** Puts the report between the demo-report markers of both READMEs (CONTRIBUTING.md#docs). */
function writeReportIntoReadmes(report: string[]): void {
	for (const file of README_FILES) {
		const text = fs.readFileSync(file, 'utf8');
		if (!REPORT_BLOCK.test(text)) throw new Error(`${file} has no demo-report markers`);
		const block = ['```', ...report, '```', ''].join('\n');
		fs.writeFileSync(
			file,
			text.replace(REPORT_BLOCK, (_, start: string, end: string) => `${start}${block}${end}`),
		);
		console.log(`report written into ${path.relative(process.cwd(), file)}`);
	}
}

/** n8n's own start-to-stop time of the execution (IRun startedAt/stoppedAt), when it printed them. */
function executionMs(run: unknown): number | undefined {
	const { startedAt, stoppedAt } = (run ?? {}) as { startedAt?: string; stoppedAt?: string };
	const ms = Date.parse(stoppedAt ?? '') - Date.parse(startedAt ?? '');
	return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const startedAt = Date.now();
	// Filled in as things start, so Ctrl-C at any point stops what is running.
	const running: { pair?: EmulatorPair; server?: N8nServer } = {};
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the emulators …');
		await running.server?.stop();
		await stopAllN8nProcesses();
		await running.pair?.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(130));
	process.on('SIGTERM', () => void shutdown(143));

	console.log('== 1/4  n8n runtime');
	const runtimeStarted = Date.now();
	let alreadyInstalled = false;
	const runtime = await ensureN8n({
		log: (line) => {
			// ensureN8n's line when the cache already holds this n8n (testing/n8nRuntime.ts)
			if (/ already installed in /.test(line)) alreadyInstalled = true;
			log(line);
		},
		n8nVersion: N8N_VERSION,
	});
	const runtimeMs = Date.now() - runtimeStarted;

	console.log(`== 2/4  emulators (${options.shops} shops)`);
	const pair = await startEmulatorPair({ jikeyun: { shopCount: options.shops } });
	running.pair = pair;
	console.log(`  Jikeyun gateway  ${pair.jikeyun.url}`);
	console.log(`  Kingdee WebAPI   ${pair.kingdee.serverUrl}`);

	console.log('== 3/4  n8n with the package installed');
	const demoRoot = path.join(runtime.cacheRoot, 'demo');
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-demo-pack-'));
	const instance = createN8nInstance({
		runtime,
		userFolder: path.join(demoRoot, 'n8n-user'),
		tarball: packPackage(packDir, log),
		log,
	});
	fs.rmSync(packDir, { recursive: true, force: true });
	const workflow = readWorkflow(SYNC_WORKFLOW_FILE);
	await importCredentials(instance, emulatorCredentialsFor(workflow, pair));
	await importWorkflow(instance, SYNC_WORKFLOW_FILE);

	console.log(`== 4/4  sync: n8n execute "${workflow.name}"`);
	const customersBefore = pair.kingdee.records('BD_Customer').length;
	const syncStarted = Date.now();
	const { result, attempts } = await executeWithOneRetry(instance, workflow.id, log);
	const syncMs = Date.now() - syncStarted;

	const shops = activeShops(pair);
	const customers = pair.kingdee.records('BD_Customer');
	const byNumber = new Map(customers.map((c) => [String(c.FNumber), c]));
	const synced = shops.filter((shop) => {
		const customer = byNumber.get(shop.channelCode);
		return customer && customer.FName === shop.channelName.trim() && customer.FDocumentStatus === 'C';
	}).length;
	const counts = syncCountsFromRun(workflow, result);
	const created = attempts === 1 && counts ? counts.created : customers.length - customersBefore;

	const allSynced = synced === shops.length && customers.length === shops.length;
	const workflowMs = executionMs(result.run);
	const report = [
		'──────── Sync report ────────',
		`  Shops in Jikeyun               ${pair.jikeyun.listShops().length} (${shops.length} active; stopped/deleted shops are not synced)`,
		`  Shops read from Jikeyun        ${counts?.shopsRead ?? shops.length}${counts ? '' : ' (from the emulator; n8n printed no execution)'}`,
		`  Customers created in Kingdee   ${created}`,
		`  Customers updated              ${counts?.updated ?? 0}`,
		`  Rows failed                    ${counts?.failed ?? shops.length - synced}`,
		...(counts?.failures.slice(0, 5) ?? []).map((failure) => `    - ${failure}`),
		`  Audited customers matching     ${synced} of ${shops.length} shops`,
		`  Jikeyun API calls              ${pair.jikeyun.stats().calls}`,
		`  Kingdee API calls              ${pair.kingdee.stats().calls} (BatchSave ${pair.kingdee.stats().byService.BatchSave ?? 0})`,
		`  Workflow run (n8n execution)   ${workflowMs === undefined ? 'not printed by n8n' : seconds(workflowMs)}`,
		`  n8n execute, start-up included ${seconds(syncMs)}${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
		`  Total time                     ${formatElapsed(Date.now() - startedAt)}${alreadyInstalled ? ' (n8n was already in the cache)' : ` (n8n install ${formatElapsed(runtimeMs)} included)`}`,
		`  Result                         ${allSynced ? 'all shops synced ✔' : 'NOT all shops synced ✘'}`,
		'─────────────────────────────',
	];
	console.log(`\n${report.join('\n')}`);
	if (options.writeReadme) {
		if (allSynced) writeReportIntoReadmes(report);
		else console.log('READMEs not written: the sync did not succeed');
	}
	if (!allSynced) console.log(describeFailure(result));

	if (!options.open) {
		await shutdown(allSynced ? 0 : 1);
		return;
	}

	console.log(`\nstarting n8n on http://localhost:${options.port} …`);
	const server = await startN8nServer(instance, options.port, {
		env: {
			N8N_LISTEN_ADDRESS: options.listen,
			...ownerManagedByEnv(runtime, OWNER),
		},
	});
	running.server = server;
	console.log(
		[
			'',
			`  n8n is running:   http://localhost:${options.port}/workflow/${workflow.id}`,
			`  Sign in with      ${OWNER.email} / ${OWNER.password}`,
			'  The credentials "Jikeyun account" and "Kingdee Cloud Galaxy account" point at the emulators;',
			'  click "Execute workflow" to sync again, or edit the mapping in "Map shop → customer fields".',
			`  Emulator data:    ${new URL('/__admin/shops', pair.jikeyun.url).href}`,
			`                    ${new URL('/__admin/records?formId=BD_Customer', pair.kingdee.serverUrl).href}`,
			'',
			'  Press Ctrl-C to stop n8n and the emulators.',
		].join('\n'),
	);
	server.child.once('exit', (code, signal) => {
		if (!stopping) {
			console.error(`n8n exited unexpectedly (exit ${code}, signal ${signal})`);
			void shutdown(1);
		}
	});
}

main().catch(async (error: Error) => {
	console.error(
		`demo failed: ${error instanceof NodeUnavailableError ? error.message : (error.stack ?? error.message)}`,
	);
	await stopAllN8nProcesses();
	process.exit(1);
});
