/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets -- throw-away test accounts */
/**
 * The fault matrix (issue 8) in a real n8n 2.40.7, through the shipped sample workflow and both of its entry points:
 * the manual full resync (`n8n execute`, one user folder for every case) and the published workflow's Jikeyun Trigger
 * (one `n8n start` for every case; each case publishes the workflow, which polls once, and unpublishes it again).
 * Every case starts from fresh emulators (the same seeded shops, no customers) and is judged by the emulators' state
 * and by n8n's execution record (status, error message, the items on the failed-rows path).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JikeyunFaults } from '../../emulators/jikeyun/server';
import type { KingdeeFaults } from '../../emulators/kingdee/server';
import { ensureN8n } from '../../testing/n8nRuntime';
import {
	createN8nInstance,
	fetchExecution,
	freePort,
	importCredentials,
	importWorkflow,
	listExecutions,
	loginToN8n,
	nodeOutputItems,
	ownerManagedByEnv,
	packPackage,
	readWorkflow,
	recordSecrets,
	setWorkflowPublished,
	startN8nServer,
	stopAllN8nProcesses,
	waitForNewExecution,
	waitForNoRunningExecution,
	type ExecutionRun,
	type N8nInstance,
	type N8nRestSession,
	type WorkflowJson,
} from '../../testing/n8nInstance';
import type { N8nRuntime } from '../../testing/n8nRuntime';
import {
	ALERT_WORKFLOW_FILE,
	SYNC_WORKFLOW_FILE,
	activeShops,
	customerMirrorProblems,
	describeFailure,
	emulatorCredentialsFor,
	executeWithOneRetry,
	failedRowsOf,
	nodeNameOfType,
	recordEmulatorSecrets,
	restartEmulatorPair,
	startEmulatorPair,
	type EmulatorPair,
} from '../../testing/sampleSync';
import { errorOf } from '../../testing/errorItems';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** ~440 active shops: three pages of the sample's page size 200, so a change between pages has pages to fall between. */
const SHOP_COUNT = 480;
/** A seed whose fault draws make the 5% case fail the first Jikeyun call and the second Kingdee form call. */
const SEED = 20240644;
const EMULATOR_OPTIONS = { jikeyun: { shopCount: SHOP_COUNT, seed: SEED }, kingdee: { seed: SEED } };
const OWNER = {
	email: 'fault-matrix@example.com',
	password: 'Fault-Matrix-n8n-2024',
	firstName: 'Fault',
	lastName: 'Matrix',
};
/**
 * The trigger's Full Re-Emit period in the published copy: 0.0001 h = 0.36 s, so the poll of every case re-emits all
 * shops (the shipped hourly period would leave a case that follows a quick one with nothing to emit).
 */
const TEST_FULL_REEMIT_HOURS = 0.0001;

interface RunOutcome {
	/** n8n's verdict: 'success' or 'error' (the execution record's status; for `n8n execute`, whether it holds an error). */
	status: string;
	errorMessage?: string;
	/** Batch Save's main output (saved / unchanged rows) and its error output (the failed-rows path). */
	saved: Array<Record<string, unknown>>;
	failed: Array<Record<string, unknown>>;
}

interface EntryPoint {
	workflow: WorkflowJson;
	run(label: string): Promise<RunOutcome>;
	/** Checks made after the invalid-rows run (the published entry point: the error workflow's chat alert). */
	afterInvalidRows: (failed: number, total: number) => Promise<void>;
}

function outcomeOf(workflow: WorkflowJson, run: ExecutionRun, status: string): RunOutcome {
	return {
		status,
		errorMessage: run.data.resultData.error?.message,
		saved: nodeOutputItems(run, nodeNameOfType(workflow, 'kingdee'), 0).map((item) => item.json),
		failed: failedRowsOf(workflow, run),
	};
}

function describeOutcome(outcome: RunOutcome): string {
	return JSON.stringify({
		status: outcome.status,
		saved: outcome.saved.length,
		failed: outcome.failed.length,
		error: outcome.errorMessage?.slice(0, 300),
	});
}

/** A case that the sync must ride out completely: the run ends green with every active shop mirrored. */
interface HealingCase {
	name: string;
	jikeyun?: JikeyunFaults;
	kingdee?: KingdeeFaults;
	/** Proof that the fault really happened during the run (required: a fault that never fired proves nothing). */
	exercised: (pair: EmulatorPair) => void;
}

const HEALING_CASES: HealingCase[] = [
	{
		name: 'Jikeyun throttling (more than 1 call a second is throttled)',
		jikeyun: { throttleAbovePerSecond: 1 },
		exercised: (pair) => expect(pair.jikeyun.stats().throttled).toBeGreaterThan(0),
	},
	{
		name: '5% transient failures on both sides (Jikeyun failureRate, Kingdee transientFailureRate)',
		jikeyun: { failureRate: 0.05 },
		kingdee: { transientFailureRate: 0.05 },
		// The Kingdee emulator counts no injected failures; with SEED its second form call is one.
		exercised: (pair) => expect(pair.jikeyun.stats().injectedFailures).toBeGreaterThan(0),
	},
	{
		name: 'a Kingdee session dropped after every call it served',
		kingdee: { dropSessionAfterCalls: 1 },
		exercised: (pair) => expect(pair.kingdee.stats().sessionsLost).toBeGreaterThan(0),
	},
	{
		name: 'commit-then-timeout: BatchSave committed, then the connection reset / an HTTP 500 page',
		kingdee: {
			writeFaults: [
				{ service: 'BatchSave', fault: 'resetAfterCommit' },
				{ service: 'BatchSave', fault: 'http500AfterCommit' },
			],
		},
		exercised: (pair) =>
			expect(
				pair.kingdee
					.stats()
					.writeLog.map((write) => write.fault)
					.filter(Boolean),
			).toEqual(['resetAfterCommit', 'http500AfterCommit']),
	},
	{
		name: 'requests lost before the server (two BatchSave connections reset unprocessed)',
		kingdee: {
			writeFaults: [
				{ service: 'BatchSave', fault: 'dropBeforeServer' },
				{ service: 'BatchSave', fault: 'dropBeforeServer' },
			],
		},
		exercised: (pair) =>
			expect(pair.kingdee.stats().writeLog.filter((write) => write.fault === 'dropBeforeServer')).toHaveLength(2),
	},
];

type ShopSnapshot = Map<string, { active: boolean; name: string }>;

function snapshotShops(pair: EmulatorPair): ShopSnapshot {
	return new Map(
		pair.jikeyun.listShops().map((shop) => [
			shop.channelCode,
			{
				active: Number(shop.isBlockup ?? 0) === 0 && Number(shop.isDelete ?? 0) === 0,
				name: shop.channelName.trim(),
			},
		]),
	);
}

/** How an entry point's names read in the invalid-rows and Kingdee-down cases. */
interface EntryNames {
	/** Appended to the invalid-rows case: what else that run must do (e.g. fire the chat alert). */
	invalidRowsAlso: string;
	/** What the run after Kingdee's recovery is (the next manual run, or the trigger's full re-emit). */
	recoveryRun: string;
}

/** The fault matrix for one entry point; `start` builds the entry point once, before the first case. */
function faultMatrix(
	entryLabel: string,
	names: EntryNames,
	start: (pair: () => EmulatorPair) => Promise<EntryPoint>,
): void {
	describe(entryLabel, () => {
		let pair: EmulatorPair;
		let entry: EntryPoint;
		let activeCount: number;

		beforeAll(async () => {
			pair = await startEmulatorPair(EMULATOR_OPTIONS);
			activeCount = activeShops(pair).length;
			log(
				`[matrix] ${entryLabel}: ${SHOP_COUNT} shops, ${activeCount} active; Jikeyun ${pair.jikeyun.url}, Kingdee ${pair.kingdee.serverUrl}`,
			);
			entry = await start(() => pair);
		});

		afterAll(async () => {
			if (pair) recordEmulatorSecrets(pair);
			await pair?.close();
		});

		/** Fresh emulators on the same ports (no customers, the seeded shops), with the case's faults. */
		async function freshEmulators(jikeyun: JikeyunFaults = {}, kingdee: KingdeeFaults = {}): Promise<void> {
			pair = await restartEmulatorPair(pair, EMULATOR_OPTIONS);
			pair.jikeyun.setFaults(jikeyun);
			pair.kingdee.setFaults(kingdee);
		}

		async function run(label: string): Promise<RunOutcome> {
			const started = Date.now();
			const outcome = await entry.run(label);
			log(
				`[matrix] ${entryLabel} · ${label}: ${describeOutcome(outcome)} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
			);
			return outcome;
		}

		function expectAllSaved(outcome: RunOutcome): void {
			expect({
				status: outcome.status,
				error: outcome.errorMessage,
				failed: outcome.failed.map((row) => errorOf(row)?.message),
			}).toEqual({
				status: 'success',
				error: undefined,
				failed: [],
			});
			expect(outcome.saved.map((row) => String(row.Number)).sort()).toEqual(
				activeShops(pair)
					.map((shop) => shop.channelCode)
					.sort(),
			);
			expect(customerMirrorProblems(pair)).toEqual([]);
		}

		test.each(HEALING_CASES)('$name: ends green, Kingdee mirrors the active shops', async (faultCase) => {
			await freshEmulators(faultCase.jikeyun, faultCase.kingdee);
			const outcome = await run(faultCase.name);
			log(
				`[matrix]   Jikeyun ${JSON.stringify({ calls: pair.jikeyun.stats().calls, throttled: pair.jikeyun.stats().throttled, injected: pair.jikeyun.stats().injectedFailures })}, ` +
					`Kingdee ${JSON.stringify({ calls: pair.kingdee.stats().calls, logins: pair.kingdee.stats().logins, sessionsLost: pair.kingdee.stats().sessionsLost })}`,
			);
			faultCase.exercised(pair);
			expectAllSaved(outcome);
		});

		test('shops stopped, renamed and added between pages: nothing lost or duplicated; the next run mirrors every change', async () => {
			// More shops stopped than added, so every later offset shifts by 3: a plain offset pager skips the 3 shops
			// that move from page 1 onto the end of page 0 after it was read.
			await freshEmulators({ pageDrift: { beforePageIndex: 1, stopFirst: 5, renameFirst: 3, addFirst: 2 } });
			const before = snapshotShops(pair);
			const outcome = await run('page drift');
			const after = snapshotShops(pair);
			const stopped = [...before]
				.filter(([code, shop]) => shop.active && !after.get(code)?.active)
				.map(([code]) => code);
			const renamed = [...before]
				.filter(([code, shop]) => after.has(code) && after.get(code)?.name !== shop.name)
				.map(([code]) => code);
			const added = [...after.keys()].filter((code) => !before.has(code));
			// The drift happened, once, between pages.
			expect([stopped.length, renamed.length, added.length]).toEqual([5, 3, 2]);
			expect({
				status: outcome.status,
				error: outcome.errorMessage,
				failed: outcome.failed.map((row) => errorOf(row)?.message),
			}).toEqual({
				status: 'success',
				error: undefined,
				failed: [],
			});
			// Every shop active for the whole read is exactly one audited customer, under its name before or after the
			// rename; nothing is duplicated and no customer names a shop that never existed.
			const customers = pair.kingdee.records('BD_Customer');
			const problems: string[] = [];
			const activeThroughout = [...before].filter(([code, shop]) => shop.active && after.get(code)?.active === true);
			// The shops this check is about: the page-drift case must leave most of them in place.
			expect(activeThroughout.length).toBeGreaterThan(activeCount / 2);
			for (const [code, shop] of activeThroughout) {
				const matches = customers.filter((customer) => customer.FNumber === code);
				if (matches.length !== 1) problems.push(`${code}: ${matches.length} customers`);
				else if (![shop.name, after.get(code)?.name].includes(String(matches[0].FName)))
					problems.push(`${code}: FName ${String(matches[0].FName)}`);
			}
			const numbers = customers.map((customer) => String(customer.FNumber));
			expect(numbers.filter((number, i) => numbers.indexOf(number) !== i)).toEqual([]);
			expect(numbers.filter((number) => !after.has(number))).toEqual([]);
			expect(problems).toEqual([]);

			// The next run, without drift: renamed and added shops arrive; the customers of stopped shops stay.
			pair.jikeyun.setFaults({});
			const next = await run('after the page drift');
			expect(next.status).toBe('success');
			expect(customerMirrorProblems(pair, { allowExtra: stopped })).toEqual([]);
		});

		test(`2% invalid rows: they end on the failed-rows path with their reason, the run ends FAILED with the count, the rest is saved${names.invalidRowsAlso}`, async () => {
			await freshEmulators();
			const codes = activeShops(pair).map((shop) => shop.channelCode);
			const invalid = codes.filter((_, i) => i % 50 === 7);
			if (invalid.length === 0) throw new Error(`could not produce an invalid row: only ${codes.length} active shops`);
			pair.kingdee.setFaults({ failNumbers: invalid });
			const outcome = await run(`${invalid.length} invalid rows`);
			expect(outcome.status).toBe('error');
			expect(outcome.errorMessage).toMatch(
				new RegExp(
					`^${invalid.length} of ${activeCount} rows could not be saved in Kingdee \\(statuses: failed ${invalid.length}, unknown 0\\)\\. First: `,
				),
			);
			for (const code of invalid.slice(0, 3)) expect(outcome.errorMessage).toContain(`${code}: `);
			expect(outcome.failed.map((row) => String(row.FNumber)).sort()).toEqual([...invalid].sort());
			for (const row of outcome.failed) {
				expect(row).toEqual(
					expect.objectContaining({
						error: expect.objectContaining({
							message: expect.stringContaining(String(row.FNumber)),
							outcome: 'failed',
						}),
					}),
				);
			}
			expect(outcome.saved.map((row) => String(row.Number)).sort()).toEqual(
				codes.filter((code) => !invalid.includes(code)).sort(),
			);
			expect(customerMirrorProblems(pair)).toEqual(invalid.map((code) => `${code}: 0 customers`));
			await entry.afterInvalidRows(invalid.length, activeCount);
		});

		test(`Kingdee down for a whole run: FAILED with a clear message, no row reported saved; after recovery ${names.recoveryRun} brings everything`, async () => {
			await freshEmulators();
			await pair.kingdee.setUnreachable(true);
			const down = await run('Kingdee unreachable');
			expect(down.status).toBe('error');
			expect(down.errorMessage).toMatch(
				new RegExp(`^${activeCount} of ${activeCount} rows could not be saved in Kingdee`),
			);
			expect(down.errorMessage).toMatch(/ECONNREFUSED|refused|unreachable/i);
			expect(down.saved).toEqual([]);
			expect(down.failed.map((row) => String(row.FNumber)).sort()).toEqual(
				activeShops(pair)
					.map((shop) => shop.channelCode)
					.sort(),
			);
			// Nothing reached Kingdee, so no row may read as "failed while saving" or "outcome unknown".
			for (const row of down.failed)
				expect(errorOf(row)?.message).toMatch(/not sent: login failed \(Kingdee cannot be reached.*nothing was sent/);
			expect(pair.kingdee.records('BD_Customer')).toEqual([]);

			await pair.kingdee.setUnreachable(false);
			expectAllSaved(await run('Kingdee back'));
		});
	});
}

let workDir: string;
let runtime: N8nRuntime;
let tarball: string;
/** Run before n8n is stopped: export what the published instance stored, stop its server and the chat sink. */
const beforeStop: Array<() => Promise<void>> = [];

beforeAll(async () => {
	runtime = await ensureN8n({ log });
	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-matrix-'));
	tarball = packPackage(workDir, log);
	recordSecrets('n8n-owner', [OWNER.password]);
});

afterAll(async () => {
	for (const cleanup of beforeStop) await cleanup();
	await stopAllN8nProcesses();
	if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
	else if (workDir) log(`[matrix] kept ${workDir}`);
});

async function newInstance(name: string): Promise<N8nInstance> {
	return createN8nInstance({ runtime, userFolder: path.join(workDir, name), tarball, log, logLevel: 'debug' });
}

faultMatrix(
	'manual full resync (Manual Trigger → Get Many, shipped workflow file as is)',
	{ invalidRowsAlso: '', recoveryRun: 'the next manual run' },
	async (pair) => {
		const instance = await newInstance('n8n-manual');
		const workflow = readWorkflow(SYNC_WORKFLOW_FILE);
		await importCredentials(instance, emulatorCredentialsFor(workflow, pair()));
		await importWorkflow(instance, SYNC_WORKFLOW_FILE);
		const entry: EntryPoint = {
			workflow,
			run: async () => {
				const { result } = await executeWithOneRetry(instance, workflow.id, log);
				if (!result.run) throw new Error(`n8n execute printed no execution:\n${describeFailure(result)}`);
				return outcomeOf(workflow, result.run, result.run.data.resultData.error ? 'error' : 'success');
			},
			// The shipped file names no error workflow; the alert is proven through the published entry point.
			afterInvalidRows: async () => undefined,
		};
		return entry;
	},
);

faultMatrix(
	`published workflow, Jikeyun Trigger polling (Full Re-Emit set to ${TEST_FULL_REEMIT_HOURS} h in the test copy; Sync error alert as error workflow)`,
	{
		invalidRowsAlso: '; the published Sync error alert posts the count to the chat webhook',
		// The trigger remembers what it emitted, so a failed write is sent again only by its full re-emit (hourly as shipped).
		recoveryRun: `the trigger's next poll, a full re-emit (period ${TEST_FULL_REEMIT_HOURS} h in the test copy),`,
	},
	async (pair) => {
		const instance = await newInstance('n8n-trigger');
		const sink = await startChatSink();
		const alert = readWorkflow(ALERT_WORKFLOW_FILE);
		const build = alert.nodes.find((node) => node.name === 'Build alert text');
		const assignments = (build?.parameters.assignments as { assignments: Array<{ name: string; value: string }> })
			.assignments;
		assignments.find((a) => a.name === 'webhookUrl')!.value = sink.url;
		const workflow = readWorkflow(SYNC_WORKFLOW_FILE);
		workflow.settings = { ...workflow.settings, errorWorkflow: alert.id };
		const trigger = workflow.nodes.find((node) => node.type.endsWith('.jikeyunTrigger'))!;
		trigger.parameters.fullRescanHours = TEST_FULL_REEMIT_HOURS;
		await importCredentials(instance, emulatorCredentialsFor(workflow, pair()));
		await importWorkflow(instance, alert);
		await importWorkflow(instance, workflow);
		const server = await startN8nServer(instance, await freePort(), { env: ownerManagedByEnv(runtime, OWNER) });
		const rest: N8nRestSession = await loginToN8n(server.url, OWNER);
		// n8n 2.40.7 runs an error workflow only while it is published ("… is not active and cannot be executed").
		await setWorkflowPublished(rest, alert.id, true);
		log(
			`[matrix] n8n is up at ${server.url}; alert published; each case publishes the sync workflow (one poll) and unpublishes it`,
		);
		const fetched = new Set<string>();
		beforeStop.push(async () => {
			// Every other execution of the run (the alerts), exported through the REST API into the transcript.
			for (const execution of await listExecutions(rest))
				if (!fetched.has(execution.id)) await fetchExecution(runtime, rest, execution.id);
			await server.stop();
			await sink.close();
		});

		const entry: EntryPoint = {
			workflow,
			run: async () => {
				const known = new Set((await listExecutions(rest, workflow.id)).map((execution) => execution.id));
				await setWorkflowPublished(rest, workflow.id, true);
				try {
					const finished = await waitForNewExecution(rest, workflow.id, known);
					const stored = await fetchExecution(runtime, rest, finished.id);
					fetched.add(finished.id);
					return outcomeOf(workflow, stored.run, finished.status);
				} finally {
					await setWorkflowPublished(rest, workflow.id, false);
					// A scheduled poll that fired while the workflow was published must not reach into the next case.
					await waitForNoRunningExecution(rest, workflow.id);
				}
			},
			afterInvalidRows: async (failed, total) => {
				const alertRun = await waitForNewExecution(rest, alert.id, new Set(), 60_000);
				expect(alertRun.status).toBe('success');
				const posted = await sink.waitForPosts(1);
				log(`[matrix] alert posted: ${JSON.stringify(posted[0]).slice(0, 300)}`);
				expect(posted[0]).toMatchObject({ text: { content: expect.any(String) } });
				const text = (posted[0] as { text: { content: string } }).text.content;
				expect(text).toContain(`Rows not saved: ${failed} of ${total}`);
				expect(text).toContain(`${failed} of ${total} rows could not be saved in Kingdee`);
			},
		};
		return entry;
	},
);

/** A local HTTP server standing in for the chat robot's webhook: it records every JSON body posted to it. */
async function startChatSink(): Promise<{
	url: string;
	close(): Promise<void>;
	waitForPosts(count: number): Promise<unknown[]>;
}> {
	const posts: unknown[] = [];
	const server = http.createServer((request, response) => {
		let body = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => (body += chunk));
		request.on('end', () => {
			try {
				posts.push(JSON.parse(body));
			} catch {
				posts.push(body);
			}
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{"errcode":0,"errmsg":"ok"}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${address.port}/robot/send?access_token=e2e`,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
		waitForPosts: async (count) => {
			const deadline = Date.now() + 60_000;
			while (posts.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
			if (posts.length < count)
				throw new Error(`the chat webhook received ${posts.length} of ${count} expected posts within 60 s`);
			return [...posts];
		},
	};
}
