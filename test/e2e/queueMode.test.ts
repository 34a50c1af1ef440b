/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The package in n8n's queue mode (issue 10): one n8n 2.40.7 main (`n8n start`, EXECUTIONS_MODE=queue, Postgres) and
 * two `n8n worker` processes, Redis (Bull) between them, each process with the packed package installed in its own
 * user folder. Redis and a throw-away Postgres cluster run on loopback ports picked by testing/services.ts.
 *
 * The credentials point at recording proxies in front of the two emulators, which attribute every API call to the n8n
 * process that made it (testing/queueMode.ts, startCallerTracingProxy). That, the execution records in Postgres and
 * the workers' own logs are the evidence.
 *
 * One main and two workers are shared by the cases, which run in order (a killed worker is restarted; the last case
 * restarts all three with the durable-cursor settings). Worker concurrency is 2, so four runs started at once land on
 * both workers. The published workflow is a copy of the
 * shipped sample whose only changes are the trigger's poll interval (every minute instead of every 5: the "later
 * polls" points need polls within the test) and the full re-emit period (0.03 h instead of 1 h: after a worker is
 * killed, the re-emit is what brings the lost change across). The shipped file itself is imported unchanged and run
 * manually (offloaded to the workers) for the session case.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jikeyunCredentialData, kingdeeCredentialData } from '../../emulators/credentials';
import { presentedSessionIds } from '../../emulators/kingdee/auth';
import {
	credentialReferences,
	importCredentials,
	importWorkflow,
	loginToN8n,
	ownerManagedByEnv,
	packPackage,
	publishWorkflow,
	readWorkflow,
	runN8nCommand,
	stopAllN8nProcesses,
	type CredentialToImport,
	type N8nRestSession,
	type N8nServer,
	type WorkflowJson,
} from '../../testing/n8nInstance';
import { ensureN8n, type N8nRuntime } from '../../testing/n8nRuntime';
import {
	DURABLE_POLL_CURSOR_ENV,
	createQueueModeInstances,
	executionsEnqueuedBy,
	executionsStartedBy,
	startCallerTracingProxy,
	startMain,
	startWorker,
	type CallerTracingProxy,
	type QueueModeInstances,
	type QueueModeProcess,
	type TracedCall,
} from '../../testing/queueMode';
import { activeShops, startEmulatorPair, SYNC_WORKFLOW_FILE, type EmulatorPair } from '../../testing/sampleSync';
import { startPostgres, startRedis, type PostgresService, type RedisService } from '../../testing/services';

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

const SHOP_COUNT = 60;
const WORKER_CONCURRENCY = 2;
const TRIGGER_WORKFLOW_ID = 'jkyQueueModeTrig';
const DURABLE_WORKFLOW_ID = 'jkyQueueDurable1';
const OWNER_LOGIN = 'Queue-Mode-Test-1';
const OWNER = { email: 'owner@queue-mode.test', password: OWNER_LOGIN, firstName: 'Queue', lastName: 'Owner' };

/**
 * A dead worker's job is noticed when its Bull lock expires and the stall check runs (n8n defaults: lock 60 s, check
 * every 30 s). Shorter timers here, same mechanism, so the killed execution is settled within the test.
 */
const FAST_STALL_DETECTION_ENV: NodeJS.ProcessEnv = {
	QUEUE_WORKER_LOCK_DURATION: '10000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

type CustomerRecord = Record<string, unknown>;

/** The shipped sample with the trigger polling every minute and re-emitting everything every 0.03 h (see above). */
function triggerWorkflowCopy(id: string): WorkflowJson {
	const workflow = readWorkflow(SYNC_WORKFLOW_FILE);
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-jikeyun-kingdee.jikeyunTrigger');
	if (!trigger) throw new Error('the sample workflow has no Jikeyun Trigger');
	trigger.parameters = { ...trigger.parameters, pollTimes: { item: [{ mode: 'everyMinute' }] }, fullRescanHours: 0.03 };
	return { ...workflow, id, name: `${workflow.name} (queue-mode test, ${id})` };
}

/** Kingdee service of a WebAPI path, e.g. "AuthService.ValidateUser", "DynamicFormService.BatchSave". */
function kingdeeService(call: TracedCall): string {
	const match = /ServicesStub\.([A-Za-z]+)\.([A-Za-z]+)\.common\.kdsvc/i.exec(call.path);
	return match ? `${match[1]}.${match[2]}` : call.path;
}

function gatewayMethod(call: TracedCall): string {
	return (
		new URLSearchParams(call.requestBody).get('method') ??
		new URL(call.path, 'http://x').searchParams.get('method') ??
		'?'
	);
}

/** The session id a Kingdee login answer set (kdservice-sessionid cookie). */
function sessionSetBy(call: TracedCall): string | undefined {
	const cookies = call.responseHeaders?.['set-cookie'] ?? [];
	for (const cookie of cookies) {
		const match = /^kdservice-sessionid=([^;]+)/i.exec(cookie);
		if (match) return match[1];
	}
	return undefined;
}

interface SessionUse {
	loginBy: string;
	usedBy: Set<string>;
	loggedOutBy: string[];
}

/** Every Kingdee session opened in `calls`: who logged in, who used it, who logged it out. */
function kingdeeSessions(calls: TracedCall[]): Map<string, SessionUse> {
	const sessions = new Map<string, SessionUse>();
	for (const call of calls) {
		const service = kingdeeService(call);
		if (service.startsWith('AuthService.') && service !== 'AuthService.Logout') {
			const id = sessionSetBy(call);
			if (id) sessions.set(id, { loginBy: call.caller, usedBy: new Set(), loggedOutBy: [] });
			continue;
		}
		// A request can present the same id twice (header and cookie).
		for (const id of new Set(presentedSessionIds(call.requestHeaders))) {
			const session = sessions.get(id);
			if (!session) continue;
			if (service === 'AuthService.Logout') session.loggedOutBy.push(call.caller);
			else session.usedBy.add(call.caller);
		}
	}
	return sessions;
}

function timesOf(calls: TracedCall[]): string {
	return calls.map((c) => `${new Date(c.atMs).toISOString().slice(11, 19)} by ${c.caller}`).join(', ');
}

/**
 * The trigger's polls (erp.sales.get calls; page size 200 > shops, so one call per poll): all made by main, and after
 * the poll n8n makes when it activates the workflow, one per minute. Three pollers (main and both workers, or main
 * polling once per process) would show calls from workers or several calls per minute.
 */
function expectOnePollPerInterval(salesCalls: TracedCall[]): void {
	expect(salesCalls.filter((c) => c.caller !== 'main')).toEqual([]);
	const gapsAfterActivation = salesCalls.slice(2).map((c, i) => c.atMs - salesCalls[i + 1].atMs);
	expect(gapsAfterActivation.filter((gap) => gap < 50_000)).toEqual([]);
}

describe('queue mode: n8n main + two workers, Redis, Postgres', () => {
	let runtime: N8nRuntime;
	let workDir: string;
	let pair: EmulatorPair;
	let redis: RedisService;
	let postgres: PostgresService;
	let instances: QueueModeInstances;
	let main: QueueModeProcess & { server: N8nServer };
	const workers: QueueModeProcess[] = [];
	/** Every n8n process started, killed ones included, for attribution and their logs. */
	const everyProcess: QueueModeProcess[] = [];
	let jikeyunProxy: CallerTracingProxy;
	let kingdeeProxy: CallerTracingProxy;
	let rest: N8nRestSession;
	const shipped = readWorkflow(SYNC_WORKFLOW_FILE);
	const suiteStartedMs = Date.now();
	/** While the manual full resyncs run, their Get Many nodes call erp.sales.get too (on the workers). */
	const manualRunWindows: Array<[number, number]> = [];
	const outsideManualRuns = (call: TracedCall) =>
		!manualRunWindows.some(([from, to]) => call.atMs >= from && call.atMs <= to);

	const customers = (): CustomerRecord[] => pair.kingdee.records('BD_Customer');

	/** Kingdee holds exactly one customer per active shop, with its current name; nothing else. */
	function mirrorProblems(): string[] {
		const problems: string[] = [];
		const byNumber = new Map<string, CustomerRecord[]>();
		for (const record of customers())
			byNumber.set(String(record.FNumber), [...(byNumber.get(String(record.FNumber)) ?? []), record]);
		const shops = activeShops(pair);
		for (const shop of shops) {
			const matches = byNumber.get(shop.channelCode) ?? [];
			if (matches.length !== 1) problems.push(`${shop.channelCode}: ${matches.length} customers`);
			else if (matches[0].FName !== shop.channelName.trim())
				problems.push(`${shop.channelCode}: FName ${String(matches[0].FName)}`);
			else if (matches[0].FDocumentStatus !== 'C')
				problems.push(`${shop.channelCode}: FDocumentStatus ${String(matches[0].FDocumentStatus)}`);
		}
		if (customers().length !== shops.length)
			problems.push(`${customers().length} customers for ${shops.length} active shops`);
		return problems;
	}

	async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
		const started = Date.now();
		while (!(await done())) {
			if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
			await sleep(500);
		}
		const seconds = (Date.now() - started) / 1000;
		log(`[queue-e2e] ${what}: after ${seconds.toFixed(1)}s`);
		return seconds;
	}

	const mirrored = () => mirrorProblems().length === 0;

	interface ExecutionRecord {
		id: string;
		workflowId: string;
		mode: string;
		status: string;
	}

	/** n8n's execution records, straight from its Postgres database. */
	function executionRecords(): ExecutionRecord[] {
		return postgres
			.query('SELECT id, "workflowId", mode, status FROM execution_entity ORDER BY id')
			.map(([id, workflowId, mode, status]) => ({ id, workflowId, mode, status }));
	}

	const unfinished = () => executionRecords().filter((e) => ['new', 'running', 'waiting'].includes(e.status));

	/** Which process started each execution, from the workers' logs ("Worker started execution <id>"). */
	function executionHosts(): Map<string, string[]> {
		const hosts = new Map<string, string[]>();
		for (const process of everyProcess) {
			for (const id of executionsStartedBy(process.output())) hosts.set(id, [...(hosts.get(id) ?? []), process.label]);
		}
		return hosts;
	}

	function credentialsThroughProxies(workflow: WorkflowJson): CredentialToImport[] {
		const refs = credentialReferences(workflow);
		const jikeyunUrl = new URL(pair.jikeyun.url);
		const kingdeeUrl = new URL(pair.kingdee.serverUrl);
		return [
			{
				...refs.jikeyunApi,
				type: 'jikeyunApi',
				data: jikeyunCredentialData({ url: `${jikeyunProxy.url}${jikeyunUrl.pathname}` }),
			},
			{
				...refs.kingdeeApi,
				type: 'kingdeeApi',
				data: kingdeeCredentialData({
					serverUrl: `${kingdeeProxy.url}${kingdeeUrl.pathname}`,
					acctId: pair.kingdee.acctId,
				}),
			},
		];
	}

	/** Labels are the user folders' names: a restarted process keeps its label (its log says which run it was). */
	async function startWorkers(env: NodeJS.ProcessEnv = {}, labels = ['worker-1', 'worker-2']): Promise<void> {
		// Started one after another: two n8n start-ups at once on a 2-core machine only make both slower.
		for (const [i, label] of labels.entries()) {
			const worker = await startWorker(instances.workers[i], {
				label,
				concurrency: WORKER_CONCURRENCY,
				env: { ...FAST_STALL_DETECTION_ENV, ...env },
			});
			workers[i] = worker;
			everyProcess.push(worker);
		}
	}

	async function startMainProcess(env: NodeJS.ProcessEnv = {}): Promise<void> {
		main = await startMain(instances.main, {
			label: 'main',
			env: { ...ownerManagedByEnv(runtime, OWNER), ...FAST_STALL_DETECTION_ENV, ...env },
		});
		everyProcess.push(main);
		rest = await loginToN8n(main.server.url, OWNER);
	}

	beforeAll(async () => {
		runtime = await ensureN8n({ log });
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-queue-e2e-'));
		pair = await startEmulatorPair({ jikeyun: { shopCount: SHOP_COUNT, seed: 20240610 } });
		// createQueueModeInstances puts each process's user folder (its working directory) at <workDir>/<label>.
		const folders = Object.fromEntries(
			['main', 'worker-1', 'worker-2'].map((label) => [path.join(workDir, label), label]),
		);
		jikeyunProxy = await startCallerTracingProxy(new URL(pair.jikeyun.url).origin, folders);
		kingdeeProxy = await startCallerTracingProxy(new URL(pair.kingdee.serverUrl).origin, folders);
		log(
			`[queue-e2e] emulators: Jikeyun ${pair.jikeyun.url} via ${jikeyunProxy.url}, Kingdee ${pair.kingdee.serverUrl} via ${kingdeeProxy.url}`,
		);

		redis = await startRedis({ log });
		postgres = await startPostgres({ log });
		const tarball = packPackage(workDir, log);
		instances = createQueueModeInstances({
			runtime,
			tarball,
			workDir,
			services: { redis, postgres },
			workerCount: 2,
			log,
		});

		// Through main's CLI, into the shared Postgres: the workers read the same credentials and workflows.
		await importCredentials(instances.main, credentialsThroughProxies(shipped));
		await importWorkflow(instances.main, SYNC_WORKFLOW_FILE);
		await importWorkflow(instances.main, triggerWorkflowCopy(TRIGGER_WORKFLOW_ID));
		await publishWorkflow(instances.main, TRIGGER_WORKFLOW_ID);

		await startWorkers();
		await startMainProcess();
	});

	afterAll(async () => {
		await Promise.allSettled(everyProcess.map(async (p) => await p.stop()));
		await stopAllN8nProcesses();
		await Promise.allSettled([redis?.stop(), postgres?.stop(), jikeyunProxy?.close(), kingdeeProxy?.close()]);
		await pair?.close();
		log(`[queue-e2e] whole suite: ${((Date.now() - suiteStartedMs) / 1000).toFixed(0)}s`);
		if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
		else if (workDir) log(`[queue-e2e] kept ${workDir} (process logs: <folder>/<label>.log)`);
	});

	test('initial sync: the trigger on main polls, a worker executes, Kingdee equals the active Jikeyun shops', async () => {
		await waitFor('initial sync mirrored', mirrored, 240_000);
		await waitFor('no unfinished execution', () => unfinished().length === 0, 60_000);
		expect(mirrorProblems()).toEqual([]);

		const records = executionRecords().filter((e) => e.workflowId === TRIGGER_WORKFLOW_ID);
		expect(records.length).toBeGreaterThanOrEqual(1);
		expect(records.map((e) => [e.mode, e.status])).toEqual(records.map(() => ['trigger', 'success']));
		// Every execution was started by exactly one worker, and main only put it on the queue.
		const hosts = executionHosts();
		expect(records.map((e) => [e.id, hosts.get(e.id)])).toEqual(
			records.map((e) => [e.id, [expect.stringMatching(/^worker-/)]]),
		);
		expect(executionsEnqueuedBy(main.output())).toEqual(expect.arrayContaining(records.map((e) => e.id)));
		// Every Kingdee call came from a worker; every Jikeyun call (the trigger's polls) from main.
		expect([...new Set(kingdeeProxy.calls.map((c) => c.caller))].sort()).toEqual(
			expect.arrayContaining([expect.stringMatching(/^worker-/)]),
		);
		expect(kingdeeProxy.calls.filter((c) => !c.caller.startsWith('worker-'))).toEqual([]);
		expect(jikeyunProxy.calls.filter((c) => c.caller !== 'main')).toEqual([]);
	});

	test('renamed and new shops arrive through later polls', async () => {
		const renamed = activeShops(pair).slice(5, 10);
		expect(renamed).toHaveLength(5);
		pair.jikeyun.modifyShops(
			renamed.map((shop) => shop.channelCode),
			(shop) => ({ channelName: `${shop.channelName} (renamed)` }),
		);
		const added = pair.jikeyun.addShops(4);
		expect(mirrored()).toBe(false);
		await waitFor('renames and new shops mirrored', mirrored, 150_000);
		await waitFor('no unfinished execution', () => unfinished().length === 0, 60_000);
		for (const shop of renamed) {
			expect(
				customers()
					.filter((c) => c.FNumber === shop.channelCode)
					.map((c) => c.FName),
			).toEqual([`${shop.channelName} (renamed)`.trim()]);
		}
		expect(added.length).toBe(4);

		// The polls that brought them: made by main only (the whole-run count is checked below).
		expect(jikeyunProxy.calls.filter((c) => c.caller !== 'main')).toEqual([]);
	});

	test('a worker SIGKILLed in the middle of a Batch Save: n8n fails the execution as stalled, the sync converges, nothing is duplicated', async () => {
		await waitFor('no unfinished execution', () => unfinished().length === 0, 120_000);
		// Batch Save updates in steps: read what exists, UnAudit the customers to change, BatchSave (with audit). The
		// kill comes while its UnAudit is in flight (Kingdee slowed down to make the window): Kingdee completes that
		// UnAudit, the save is never sent, so the renamed customers are left un-audited (status D) with their old names.
		pair.kingdee.setFaults({ latencyMs: 1500 });
		let unAuditFrom: string | undefined;
		kingdeeProxy.onRequest = (call) => {
			if (unAuditFrom === undefined && kingdeeService(call) === 'DynamicFormService.UnAudit') unAuditFrom = call.caller;
		};
		const renamed = activeShops(pair).slice(20, 50);
		expect(renamed).toHaveLength(30);
		pair.jikeyun.modifyShops(
			renamed.map((shop) => shop.channelCode),
			(shop) => ({ channelName: `${shop.channelName} (before the crash)` }),
		);
		try {
			await waitFor("the Batch Save's UnAudit in flight", () => unAuditFrom !== undefined, 150_000);
		} finally {
			kingdeeProxy.onRequest = undefined;
		}
		const victimIndex = workers.findIndex((w) => w.label === unAuditFrom);
		expect(victimIndex).toBeGreaterThanOrEqual(0);
		const victim = workers[victimIndex];
		const victimExecution = executionsStartedBy(victim.output()).at(-1)!;
		await sleep(300);
		await victim.kill();
		log(
			`[queue-e2e] SIGKILLed ${victim.label} (pid ${victim.pid}) during the Batch Save of execution ${victimExecution}`,
		);
		// Kingdee finishes the UnAudit it was sleeping on; the state it leaves is half done.
		await sleep(2000);
		pair.kingdee.setFaults({});
		const renamedNumbers = new Set(renamed.map((shop) => shop.channelCode));
		const leftBehind = customers().filter((c) => renamedNumbers.has(String(c.FNumber)));
		expect(leftBehind.map((c) => c.FDocumentStatus)).toEqual(renamed.map(() => 'D'));
		expect(leftBehind.filter((c) => String(c.FName).endsWith('(before the crash)'))).toEqual([]);
		expect(mirrored()).toBe(false);
		const replacement = await startWorker(instances.workers[victimIndex], {
			label: victim.label,
			concurrency: WORKER_CONCURRENCY,
			env: FAST_STALL_DETECTION_ENV,
		});
		workers[victimIndex] = replacement;
		everyProcess.push(replacement);

		// What the user sees (n8n 2.40.7 runs Bull with maxStalledCount 0): once the job's lock expires, main fails the
		// execution, status "error", "This execution failed to be processed too many times and will no longer retry".
		// It is not run again anywhere.
		const stallLogged = `job stalled more than maxStalledCount (execution ${victimExecution})`;
		await waitFor(
			`execution ${victimExecution} failed as stalled`,
			() =>
				executionRecords().find((e) => e.id === victimExecution)?.status === 'error' &&
				main.output().includes(stallLogged),
			180_000,
		);
		expect(main.output()).toContain('This execution failed to be processed too many times and will no longer retry');
		// The trigger's watermark moved when it emitted, so the full re-emit is what brings the lost rows across.
		await waitFor('converged after the crash', mirrored, 300_000);
		await waitFor('no unfinished execution', () => unfinished().length === 0, 60_000);
		expect(mirrorProblems()).toEqual([]);
		const numbers = customers().map((c) => String(c.FNumber));
		expect(numbers.length).toBe(new Set(numbers).size);
		expect(
			executionRecords()
				.filter((e) => e.status !== 'success')
				.map((e) => [e.id, e.status]),
		).toEqual([[victimExecution, 'error']]);
		expect(executionHosts().get(victimExecution)).toEqual([victim.label]);
	});

	test('Kingdee sessions are per execution on each worker, never shared across processes, and every worker logs out', async () => {
		await waitFor('no unfinished execution', () => unfinished().length === 0, 120_000);
		const firstCall = kingdeeProxy.calls.length;
		const before = new Set(executionRecords().map((e) => e.id));
		const windowStartMs = Date.now();
		// Four manual full resyncs at once, offloaded to the workers (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS): with
		// concurrency 2 each, both workers run two executions side by side. Nothing changed, so each run needs one
		// session (one login, one logout).
		const started = await Promise.all(
			[1, 2, 3, 4].map(
				async () =>
					await rest.request<{ executionId: string }>('POST', `workflows/${shipped.id}/run`, {
						triggerToStartFrom: { name: 'Full resync (manual start)' },
					}),
			),
		);
		const manualIds = started.map((s) => String(s.executionId));
		await waitFor(
			'the four manual runs finished',
			() => {
				const records = executionRecords();
				return manualIds.every((id) => records.find((e) => e.id === id)?.status === 'success');
			},
			300_000,
		);
		await waitFor('no unfinished execution', () => unfinished().length === 0, 120_000);
		manualRunWindows.push([windowStartMs, Date.now()]);

		const hosts = executionHosts();
		const windowExecutions = executionRecords().filter((e) => !before.has(e.id));
		const perWorker = new Map<string, number>();
		for (const e of windowExecutions) {
			const [host] = hosts.get(e.id) ?? ['nobody'];
			perWorker.set(host, (perWorker.get(host) ?? 0) + 1);
		}
		const live = workers.map((w) => w.label).sort();
		expect(manualIds.map((id) => hosts.get(id)?.length)).toEqual([1, 1, 1, 1]);
		expect(live.map((label) => (perWorker.get(label) ?? 0) > 0)).toEqual([true, true]);

		const windowSessions = kingdeeSessions(kingdeeProxy.calls.slice(firstCall));
		const loginsPerProcess = new Map<string, number>();
		for (const session of windowSessions.values())
			loginsPerProcess.set(session.loginBy, (loginsPerProcess.get(session.loginBy) ?? 0) + 1);
		// One session per execution, on the worker that ran it.
		expect(Object.fromEntries(loginsPerProcess)).toEqual(Object.fromEntries(perWorker));

		// Over the whole run: a session is used only by the process that opened it and logged out by it, except the
		// one session of the execution killed in the middle of its Batch Save.
		const all = kingdeeSessions(kingdeeProxy.calls);
		const shared = [...all.entries()].filter(([, s]) => [...s.usedBy].some((caller) => caller !== s.loginBy));
		expect(shared).toEqual([]);
		const notLoggedOut = [...all.values()].filter((s) => s.loggedOutBy.length === 0);
		const wrongLogout = [...all.values()].filter((s) => s.loggedOutBy.some((caller) => caller !== s.loginBy));
		expect(wrongLogout).toEqual([]);
		expect(notLoggedOut.map((s) => s.loginBy)).toEqual([expect.stringMatching(/^worker-\d$/)]);
		for (const label of live) {
			const ofWorker = [...windowSessions.values()].filter((s) => s.loginBy === label);
			expect(ofWorker.length).toBeGreaterThan(0);
			expect(ofWorker.filter((s) => s.loggedOutBy.length !== 1)).toEqual([]);
		}
	});

	test('over the whole run the Jikeyun Trigger polled once per interval in total, always on main', () => {
		const salesCalls = jikeyunProxy.calls.filter((c) => gatewayMethod(c) === 'erp.sales.get' && outsideManualRuns(c));
		log(`[queue-e2e] polls: ${timesOf(salesCalls)}`);
		expect(manualRunWindows).toHaveLength(1);
		expect(salesCalls.length).toBeGreaterThanOrEqual(3);
		expectOnePollPerInterval(salesCalls);
	});

	test('durable poll cursors (N8N_POLLER_DURABLE_CURSORS_ENABLED + what it requires): the trigger part again, same outcomes', async () => {
		await Promise.all([main.stop(), ...workers.map(async (w) => await w.stop())]);
		// A fresh start: Kingdee empty, a new copy of the trigger workflow (new cursor), the first copy unpublished.
		const reset = await fetch(`${new URL(pair.kingdee.serverUrl).origin}/__admin/reset`, { method: 'POST' });
		expect(reset.ok).toBe(true);
		expect(customers()).toEqual([]);
		const unpublish = await runN8nCommand(instances.main, ['unpublish:workflow', `--id=${TRIGGER_WORKFLOW_ID}`]);
		expect(unpublish.code).toBe(0);
		await importWorkflow(instances.main, triggerWorkflowCopy(DURABLE_WORKFLOW_ID));
		await publishWorkflow(instances.main, DURABLE_WORKFLOW_ID);
		const firstJikeyunCall = jikeyunProxy.calls.length;
		const firstKingdeeCall = kingdeeProxy.calls.length;
		const before = new Set(executionRecords().map((e) => e.id));

		const durableProcessesFrom = everyProcess.length;
		await startWorkers(DURABLE_POLL_CURSOR_ENV);
		await startMainProcess(DURABLE_POLL_CURSOR_ENV);
		expect(main.output()).not.toMatch(/durable poll cursors stay disabled/);

		await waitFor('initial sync mirrored (durable cursors)', mirrored, 240_000);
		const renamed = activeShops(pair).slice(0, 5);
		pair.jikeyun.modifyShops(
			renamed.map((shop) => shop.channelCode),
			(shop) => ({ channelName: `${shop.channelName} (durable)` }),
		);
		pair.jikeyun.addShops(3);
		await waitFor('renames and new shops mirrored (durable cursors)', mirrored, 150_000);
		await waitFor('no unfinished execution', () => unfinished().length === 0, 60_000);
		expect(mirrorProblems()).toEqual([]);

		// n8n kept the trigger's state as a durable cursor row for this workflow's trigger node.
		const triggerNodeId = triggerWorkflowCopy(DURABLE_WORKFLOW_ID).nodes.find((n) =>
			n.type.endsWith('.jikeyunTrigger'),
		)!.id;
		const cursorRows = postgres.query(
			`SELECT "workflowId", "nodeId", cursor::text FROM poller_state WHERE "workflowId" = '${DURABLE_WORKFLOW_ID}'`,
		);
		expect(cursorRows.map((row) => row.slice(0, 2))).toEqual([[DURABLE_WORKFLOW_ID, triggerNodeId]]);
		expect(cursorRows[0][2]).toContain('jikeyunIncremental');

		const records = executionRecords().filter((e) => !before.has(e.id));
		expect(records.length).toBeGreaterThanOrEqual(2);
		expect(records.map((e) => [e.workflowId, e.mode, e.status])).toEqual(
			records.map(() => [DURABLE_WORKFLOW_ID, 'trigger', 'success']),
		);
		// Started by the workers of this phase (with the durable settings), each by one.
		const hosts = new Map<string, string[]>();
		for (const process of everyProcess.slice(durableProcessesFrom)) {
			for (const id of executionsStartedBy(process.output())) hosts.set(id, [...(hosts.get(id) ?? []), process.label]);
		}
		expect(records.map((e) => hosts.get(e.id))).toEqual(records.map(() => [expect.stringMatching(/^worker-\d$/)]));

		// Polls: the activation poll and at least two scheduled ones, to see a whole interval.
		const durableSalesCalls = () =>
			jikeyunProxy.calls.slice(firstJikeyunCall).filter((c) => gatewayMethod(c) === 'erp.sales.get');
		await waitFor('three polls (durable cursors)', () => durableSalesCalls().length >= 3, 150_000);
		log(`[queue-e2e] durable polls: ${timesOf(durableSalesCalls())}`);
		expectOnePollPerInterval(durableSalesCalls());
		expect(kingdeeProxy.calls.slice(firstKingdeeCall).filter((c) => !/^worker-\d$/.test(c.caller))).toEqual([]);
		const numbers = customers().map((c) => String(c.FNumber));
		expect(numbers.length).toBe(new Set(numbers).size);
	});
});
