/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets -- throw-away test account */
/**
 * The orders sample (workflows/jikeyun-orders-to-kingdee-sales-outbound.json) inside a real n8n 2.40.7, packed and
 * installed as the Community Nodes installer does it, against both emulators. Judged by the emulators' state
 * (testing/ordersSync.ts): every shipped order exactly one audited SAL_OUTSTOCK bill with its lines, nothing else, and
 * Kingdee's write log for what was sent. The backfill (Manual Trigger) runs with `n8n execute`; the Jikeyun Trigger
 * runs in `n8n start` by publishing the workflow (one poll per publish).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureN8n, type N8nRuntime } from '../../testing/n8nRuntime';
import {
	createN8nInstance,
	fetchExecution,
	freePort,
	importCredentials,
	importWorkflow,
	listExecutions,
	loginToN8n,
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
import {
	ORDERS_WORKFLOW_FILE,
	billMirrorProblems,
	isShippedOrder,
	ordersRunCounts,
	seedOrderReferenceData,
	shippedOrders,
	writesNaming,
} from '../../testing/ordersSync';
import {
	describeFailure,
	emulatorCredentialsFor,
	executeWithOneRetry,
	recordEmulatorSecrets,
	startEmulatorPair,
	type EmulatorPair,
} from '../../testing/sampleSync';

const log = (line: string) => process.stdout.write(`${line}\n`);

const ORDER_COUNT = 240;
const SEED = 20240616;
const UNKNOWN_MATERIAL = 'M-9999';
const OWNER = {
	email: 'orders-e2e@example.com',
	password: 'Orders-e2e-n8n-2024',
	firstName: 'Orders',
	lastName: 'E2E',
};

let runtime: N8nRuntime;
let pair: EmulatorPair;
let instance: N8nInstance;
let workDir: string;
let workflow: WorkflowJson;
/** The order whose line names a material Kingdee does not hold, and which of its lines (1-based). */
let refused: { tradeNo: string; row: number };

beforeAll(async () => {
	runtime = await ensureN8n({ log });
	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-orders-'));
	pair = await startEmulatorPair({
		jikeyun: { seed: SEED, shopCount: 30, salesOrders: { count: ORDER_COUNT, spanDays: 28 } },
		kingdee: { seed: SEED },
	});
	const seeded = seedOrderReferenceData(pair);
	log(`[orders] emulators up; Kingdee reference data seeded: ${JSON.stringify(seeded)}`);
	// One shipped order with two or more lines gets an unknown material in its second line.
	const target = pair.jikeyun.listSalesOrders().find((order) => isShippedOrder(order) && order.goodsDetail.length >= 2);
	if (!target) throw new Error('the seed has no shipped order with two lines to refuse');
	pair.jikeyun.modifySalesOrders([target.tradeNo], (order) => ({
		goodsDetail: order.goodsDetail.map((line, i) => (i === 1 ? { ...line, goodsNo: UNKNOWN_MATERIAL } : line)),
	}));
	refused = { tradeNo: target.tradeNo, row: 2 };

	const tarball = packPackage(workDir, log);
	instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
	workflow = readWorkflow(ORDERS_WORKFLOW_FILE);
	await importCredentials(instance, emulatorCredentialsFor(workflow, pair));
	await importWorkflow(instance, ORDERS_WORKFLOW_FILE);
	recordSecrets('n8n-owner', [OWNER.password]);
});

afterAll(async () => {
	await stopAllN8nProcesses();
	if (pair) recordEmulatorSecrets(pair);
	await pair?.close();
	if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
	else if (workDir) log(`[orders] kept ${workDir}`);
});

async function backfill(label: string) {
	log(`[orders] ${label}: n8n execute (backfill) …`);
	const { result, attempts } = await executeWithOneRetry(instance, workflow.id, log);
	if (!result.run) throw new Error(`${label}: n8n printed no execution:\n${describeFailure(result)}`);
	const counts = ordersRunCounts(workflow, result.run);
	log(`[orders] ${label}: ${JSON.stringify({ ...counts, failures: counts.failures.slice(0, 2) })}`);
	return { run: result.run, attempts, counts };
}

const tradeNos = (orders: Array<{ tradeNo: string }>) => orders.map((order) => order.tradeNo);

describe('orders sample, backfill (Manual Trigger → Get Many, as shipped)', () => {
	test('a month of orders: every shipped order one audited bill with its lines, none for cancelled or unshipped ones; the unknown material is refused naming row and field, the others saved, the run red', async () => {
		const all = pair.jikeyun.listSalesOrders();
		const shipped = shippedOrders(pair);
		const notShipped = all.filter((order) => !isShippedOrder(order));
		// The data holds each kind the filter must tell apart.
		expect(notShipped.some((order) => [5010, 5020, 5030].includes(order.tradeStatus))).toBe(true);
		expect(notShipped.some((order) => order.consignTime === '')).toBe(true);

		const { run, attempts, counts } = await backfill('backfill');
		const saved = shipped.filter((order) => order.tradeNo !== refused.tradeNo);
		expect(billMirrorProblems(pair, saved)).toEqual([]);
		expect(counts).toMatchObject({ shipped: shipped.length, failed: 1 });
		expect(counts.created + counts.exists).toBe(saved.length);
		if (attempts === 1) expect(counts.created).toBe(saved.length);
		expect(counts.failures[0]).toMatchObject({ number: refused.tradeNo, field: 'FMaterialID', row: refused.row });
		expect(counts.failures[0].message).toContain(UNKNOWN_MATERIAL);
		expect(run.data.resultData.error?.message).toMatch(/^1 of \d+ bills could not be saved in Kingdee/);
	});

	test('a re-run sends no write for any bill that exists: only the refused bill is tried again', async () => {
		pair.kingdee.resetStats();
		const { counts } = await backfill('re-run');
		const writes = pair.kingdee.stats().writeLog;
		expect(writes.flatMap((entry) => entry.numbers)).toEqual(writes.length > 0 ? [refused.tradeNo] : []);
		expect(writes.map((entry) => entry.service)).toEqual(['BatchSave']);
		expect(counts).toMatchObject({ created: 0, exists: shippedOrders(pair).length - 1, failed: 1 });
	});

	test('with the material created in Kingdee, the next run saves exactly that bill', async () => {
		pair.kingdee.seedRecords('BD_MATERIAL', 1, () => ({ FNumber: UNKNOWN_MATERIAL, FName: 'added later' }));
		pair.kingdee.resetStats();
		const { run, counts } = await backfill('after the fix');
		expect(billMirrorProblems(pair, shippedOrders(pair))).toEqual([]);
		expect(writesNaming(pair, tradeNos(shippedOrders(pair)))).toEqual([
			{ service: 'BatchSave', numbers: [refused.tradeNo] },
		]);
		expect(counts).toMatchObject({ created: 1, failed: 0 });
		expect(run.data.resultData.error).toBeUndefined();
	});

	test('new orders under 5% Jikeyun faults, lost Kingdee answers and session drops arrive exactly once', async () => {
		// More than one batch of 100 bills, so that both lost BatchSave answers below hit a BatchSave.
		const added = pair.jikeyun.addSalesOrders(150);
		pair.jikeyun.shipSalesOrders(tradeNos(added));
		pair.jikeyun.setFaults({ failureRate: 0.05, failNextCalls: 1 });
		pair.kingdee.setFaults({
			writeFaults: [
				{ service: 'BatchSave', fault: 'resetAfterCommit' },
				{ service: 'BatchSave', fault: 'http500AfterCommit' },
			],
			dropSessionAfterCalls: 2,
		});
		pair.kingdee.resetStats();
		try {
			const { run } = await backfill('under faults');
			expect(billMirrorProblems(pair, shippedOrders(pair))).toEqual([]);
			// Each new bill was saved by exactly one BatchSave that committed it (a read-back proved the lost ones).
			const numbers = writesNaming(pair, tradeNos(added)).flatMap((entry) => entry.numbers);
			expect(numbers.sort()).toEqual(tradeNos(added).sort());
			expect(run.data.resultData.error).toBeUndefined();
			// The faults happened.
			expect(pair.jikeyun.stats().injectedFailures).toBeGreaterThan(0);
			expect(pair.kingdee.stats().writeLog.filter((entry) => entry.fault)).toHaveLength(2);
			expect(pair.kingdee.stats().sessionsLost).toBeGreaterThan(0);
		} finally {
			pair.jikeyun.setFaults({});
			pair.kingdee.setFaults({});
		}
	});
});

describe('orders sample, published (Jikeyun Trigger · Sales Order Changed)', () => {
	let rest: N8nRestSession;

	beforeAll(async () => {
		const server = await startN8nServer(instance, await freePort(), { env: ownerManagedByEnv(runtime, OWNER) });
		rest = await loginToN8n(server.url, OWNER);
	});

	/** Publishes the workflow (n8n polls once on publishing), waits for that poll's execution, unpublishes. */
	async function poll(label: string): Promise<ExecutionRun> {
		const known = new Set((await listExecutions(rest, workflow.id)).map((execution) => execution.id));
		await setWorkflowPublished(rest, workflow.id, true);
		try {
			const finished = await waitForNewExecution(rest, workflow.id, known, 120_000);
			const { run } = await fetchExecution(runtime, rest, finished.id);
			log(`[orders] poll ${label}: ${finished.status} ${JSON.stringify(ordersRunCounts(workflow, run))}`);
			return run;
		} finally {
			await setWorkflowPublished(rest, workflow.id, false);
			await waitForNoRunningExecution(rest, workflow.id);
		}
	}

	async function watermarkMs(): Promise<number> {
		const stored = await rest.request<{ staticData?: Record<string, Record<string, { watermarkMs?: number }>> }>(
			'GET',
			`workflows/${workflow.id}`,
		);
		const states = Object.values(stored.staticData ?? {}).map((node) => node?.jikeyunSalesOrders?.watermarkMs);
		const watermark = states.find((value) => typeof value === 'number');
		if (watermark === undefined) throw new Error(`no trigger watermark in ${JSON.stringify(stored.staticData)}`);
		return watermark;
	}

	test('late-visible orders, an order changed exactly on the watermark, orders shipped and cancelled between polls: every shipped order exactly once, cancelled ones never', async () => {
		// Poll 1: the first poll reads the last 24 hours; everything shipped is already in Kingdee.
		pair.kingdee.resetStats();
		const first = await poll('1 (first)');
		expect(ordersRunCounts(workflow, first).created).toBe(0);
		expect(pair.kingdee.stats().writeLog).toEqual([]);

		const fresh = pair.jikeyun.addSalesOrders(6);
		const [shippedNow, shippedThenCancelled, late, boundary, cancelledFirst, unshipped] = tradeNos(fresh);
		const nowMs = Math.floor(Date.now() / 1000) * 1000;
		pair.jikeyun.shipSalesOrders([shippedNow, shippedThenCancelled]);
		pair.jikeyun.cancelSalesOrders([shippedThenCancelled], { atMs: nowMs + 1000, visibleAtMs: nowMs + 1000 });
		pair.jikeyun.cancelSalesOrders([cancelledFirst]);
		// Shipped now, but queries see it only 40 s later: poll 2 misses it, the overlap of poll 3 reads it.
		pair.jikeyun.shipSalesOrders([late], { atMs: nowMs, visibleAtMs: nowMs + 40_000 });
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const second = await poll('2');
		expect(
			billMirrorProblems(
				pair,
				shippedOrders(pair).filter((o) => o.tradeNo !== late && o.tradeNo !== boundary),
			),
		).toEqual([]);
		expect(pair.kingdee.records('SAL_OUTSTOCK').some((bill) => bill.FBillNo === late)).toBe(false);
		expect(ordersRunCounts(workflow, second).created).toBe(1);

		// Shipped with gmtModified exactly the watermark poll 2 left: the first instant of the next window.
		const watermark = await watermarkMs();
		pair.jikeyun.cancelSalesOrders([cancelledFirst], { atMs: watermark, visibleAtMs: watermark });
		pair.jikeyun.shipSalesOrders([boundary], { atMs: watermark, visibleAtMs: watermark });
		const untilVisible = nowMs + 41_000 - Date.now();
		if (untilVisible > 0) await new Promise((resolve) => setTimeout(resolve, untilVisible));
		pair.kingdee.resetStats();
		await poll('3');
		expect(billMirrorProblems(pair, shippedOrders(pair))).toEqual([]);
		const bills = new Set(pair.kingdee.records('SAL_OUTSTOCK').map((bill) => String(bill.FBillNo)));
		expect([shippedNow, late, boundary].filter((no) => !bills.has(no))).toEqual([]);
		expect([shippedThenCancelled, cancelledFirst, unshipped].filter((no) => bills.has(no))).toEqual([]);
		// Poll 3 wrote only the two bills it was the first to see.
		expect(
			writesNaming(pair, tradeNos(fresh))
				.flatMap((entry) => entry.numbers)
				.sort(),
		).toEqual([late, boundary].sort());
	});
});
