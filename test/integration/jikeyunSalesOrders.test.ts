import type { IDataObject } from 'n8n-workflow';
import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { formatBeijingTime } from '../../nodes/Jikeyun/protocol/timestamp';
import { jikeyunCredentialData } from '../../emulators/credentials';
import { startJikeyunEmulator, type JikeyunEmulator, type SalesOrder } from '../../emulators/jikeyun/server';
import { executeNode } from '../../testing/n8nHarness';

/** Sales Order → Get Many (oms.trade.fullinfoget) in the n8n harness against the emulator over loopback. */
const node = new Jikeyun();
const DAY_MS = 24 * 3600 * 1000;
const fast = { requestsPerSecond: 0, maxRetryWaitSeconds: 1 };
const beijing = (ms: number) => formatBeijingTime(new Date(ms));
const timeOf = (text: string) => Date.parse(`${text.replace(' ', 'T')}+08:00`);

describe('Jikeyun Sales Order → Get Many against the emulator', () => {
	let emulator: JikeyunEmulator;
	const nowMs = Math.floor(Date.now() / 1000) * 1000;

	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ seed: 3, salesOrders: { count: 900, spanDays: 30, endMs: nowMs } });
	});
	afterEach(async () => {
		await emulator.close();
	});

	const run = async (parameters: IDataObject, extra: { continueOnFail?: boolean } = {}) =>
		await executeNode(node, {
			parameters: {
				resource: 'salesOrder',
				operation: 'getAll',
				...parameters,
				options: { ...fast, ...(parameters.options as IDataObject) },
			},
			credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
			...extra,
		});
	const inRange = (field: keyof SalesOrder, fromMs: number, toMs: number) =>
		emulator.listSalesOrders().filter((order) => {
			const value = order[field] as string;
			return value !== '' && timeOf(value) >= fromMs && timeOf(value) <= toMs;
		});

	it('30 days by consign time: each shipped order once, lines as a list, 19-digit ids exact, 5 windows of ≤ 7 days', async () => {
		const fromMs = nowMs - 30 * DAY_MS;
		const { outputs } = await run({ timeField: 'consign', from: beijing(fromMs), to: beijing(nowMs), returnAll: true });
		const records = outputs[0].map((item) => item.json);
		const expected = inRange('consignTime', fromMs, nowMs);
		expect(expected.length).toBeGreaterThan(300);
		expect(records.map((r) => r.tradeNo).sort()).toEqual(expected.map((o) => o.tradeNo).sort());
		const byNumber = new Map(expected.map((order) => [order.tradeNo, order]));
		for (const record of records) {
			const order = byNumber.get(record.tradeNo as string)!;
			expect(record.tradeId).toBe(order.tradeId);
			expect(record.shopId).toBe(order.shopId);
			expect(record.shopcode).toBe(order.shopcode);
			const lines = record.goodsDetail as IDataObject[];
			expect(lines.map((line) => line.subTradeId)).toEqual(order.goodsDetail.map((line) => line.subTradeId));
			expect(lines.map((line) => line.goodsNo)).toEqual(order.goodsDetail.map((line) => line.goodsNo));
			expect(lines.every((line) => line.tradeId === order.tradeId)).toBe(true);
		}
		expect(outputs[0].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		const calls = emulator.stats().byMethod['oms.trade.fullinfoget'];
		// 5 windows (30 days in ≤ 7-day windows), each its pages plus the empty end page (plus one count when a window
		// needs more than one page); no window read twice.
		expect(calls).toBeGreaterThanOrEqual(5 * 2);
		expect(calls).toBeLessThanOrEqual(5 * 3 + Math.ceil(records.length / 200));
	});

	it('an order modified exactly at a window end is returned once; one a second later too', async () => {
		const fromMs = nowMs - 10 * DAY_MS;
		const windowEnd = fromMs + 7 * DAY_MS;
		const [a, b] = emulator.listSalesOrders().slice(0, 2);
		emulator.modifySalesOrders([a.tradeNo], { sellerMemo: 'at the boundary' }, { atMs: windowEnd });
		emulator.modifySalesOrders([b.tradeNo], { sellerMemo: 'one second later' }, { atMs: windowEnd + 1000 });
		const { outputs } = await run({
			timeField: 'modified',
			from: beijing(fromMs),
			to: beijing(nowMs),
			returnAll: true,
		});
		const numbers = outputs[0].map((item) => item.json.tradeNo);
		expect(numbers.filter((n) => n === a.tradeNo)).toHaveLength(1);
		expect(numbers.filter((n) => n === b.tradeNo)).toHaveLength(1);
		expect(numbers.sort()).toEqual(
			inRange('gmtModified', fromMs, nowMs)
				.map((o) => o.tradeNo)
				.sort(),
		);
	});

	it('a live cursor that skips an order while it is read is caught and read again: nothing missing', async () => {
		emulator.setCursorMode('live');
		const fromMs = nowMs - 6 * DAY_MS;
		const toMs = nowMs - DAY_MS;
		const before = inRange('gmtModified', fromMs, toMs).sort((x, y) => (x.tradeId < y.tradeId ? -1 : 1));
		expect(before.length).toBeGreaterThan(150);
		// The first order in line leaves the window after page 0: every later one moves up, one would be skipped.
		emulator.beforeCursorPage(1, () => emulator.modifySalesOrders([before[0].tradeNo], { sellerMemo: 'moved' }));
		const { outputs } = await run({
			timeField: 'modified',
			from: beijing(fromMs),
			to: beijing(toMs),
			returnAll: true,
			options: { pageSize: 50 },
		});
		expect(outputs[0].map((item) => item.json.tradeNo).sort()).toEqual(
			before
				.slice(1)
				.map((o) => o.tradeNo)
				.sort(),
		);
	});

	it('filters and Limit reach the gateway; a custom field list still carries the cursor', async () => {
		const fromMs = nowMs - 7 * DAY_MS;
		const { outputs } = await run({
			timeField: 'consign',
			from: beijing(fromMs),
			to: beijing(nowMs),
			returnAll: false,
			limit: 7,
			fields: 'tradeNo,tradeStatus,goodsDetail.goodsNo',
			filters: { tradeStatusList: [6000] },
			options: { pageSize: 3 },
		});
		const records = outputs[0].map((item) => item.json);
		expect(records).toHaveLength(7);
		for (const record of records) {
			expect(record.tradeStatus).toBe(6000);
			expect(Object.keys(record).sort()).toEqual(
				['gmtModified', 'goodsDetail', 'scrollId', 'tradeNo', 'tradeStatus'].filter((k) => k !== 'scrollId').sort(),
			);
		}
	});

	it('order numbers alone, without a range', async () => {
		const sample = emulator
			.listSalesOrders()
			.slice(10, 13)
			.map((o) => o.tradeNo);
		const { outputs } = await run({ timeField: 'none', filters: { tradeNo: sample.join(', ') }, returnAll: true });
		expect(outputs[0].map((item) => item.json.tradeNo).sort()).toEqual([...sample].sort());
	});

	it('survives 5% transient gateway faults with every order once', async () => {
		emulator.setFaults({ failureRate: 0.05 });
		const fromMs = nowMs - 14 * DAY_MS;
		const { outputs } = await run({
			timeField: 'consign',
			from: beijing(fromMs),
			to: beijing(nowMs),
			returnAll: true,
			options: { pageSize: 20, maxTries: 8 },
		});
		expect(emulator.stats().injectedFailures).toBeGreaterThan(0);
		const numbers = outputs[0].map((item) => item.json.tradeNo);
		expect(new Set(numbers).size).toBe(numbers.length);
		expect(numbers.sort()).toEqual(
			inRange('consignTime', fromMs, nowMs)
				.map((o) => o.tradeNo)
				.sort(),
		);
	});

	it('Call Method with Pagination Style Cursor reads every order of a window by scrollId; without scrollId in fields it says what to fix', async () => {
		const fromMs = nowMs - 7 * DAY_MS;
		const bizContent = { startConsignTime: beijing(fromMs), endConsignTime: beijing(nowMs), pageSize: 40 };
		const call = async (fields: string) =>
			await executeNode(node, {
				parameters: {
					resource: 'api',
					operation: 'callMethod',
					method: 'oms.trade.fullinfoget',
					bizContent: JSON.stringify({ ...bizContent, fields }),
					paginate: true,
					returnAll: true,
					paginationStyle: 'cursor',
					listPath: 'trades',
					idField: 'tradeNo',
					pageSize: 40,
					options: fast,
				},
				credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
			});
		const { outputs } = await call('tradeNo,scrollId');
		const expected = inRange('consignTime', fromMs, nowMs);
		expect(expected.length).toBeGreaterThan(40);
		expect(outputs[0].map((item) => item.json.tradeNo).sort()).toEqual(expected.map((o) => o.tradeNo).sort());
		await expect(call('tradeNo')).rejects.toThrow(/could not be read completely/);
	});

	it.each([
		[
			{ timeField: 'none', from: '2024-06-01 00:00:00', to: '2024-06-02 00:00:00' },
			/Item 0: a From\/To range needs a "Time Field"/,
		],
		[{ timeField: 'consign', from: '2024-06-02 00:00:00', to: '2024-06-01 00:00:00' }, /Item 0: "From" is after "To"/],
		[{ timeField: 'consign', from: '2024-06-01 00:00:00', to: '' }, /Item 0: "To" is empty/],
		[{ timeField: 'consign', from: 'yesterday', to: '2024-06-01 00:00:00' }, /Item 0: "From" is not a date-time/],
		[
			{ timeField: 'consign', from: '2024-06-01 00:00:00', to: '2024-06-02 00:00:00', options: { pageSize: 201 } },
			/Item 0: Page Size must be a whole number from 1 to 200, got 201: set "Page Size" in Options/,
		],
		[{ timeField: 'none' }, /Item 0: no range and no order numbers/],
	] as Array<[IDataObject, RegExp]>)('refuses bad input before any call: %j', async (parameters, message) => {
		emulator.resetStats();
		await expect(run(parameters)).rejects.toThrow(message);
		expect(emulator.stats().calls).toBe(0);
	});
});
