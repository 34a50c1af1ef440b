/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import type { IDataObject } from 'n8n-workflow';
import { JikeyunTrigger } from '../../nodes/Jikeyun/JikeyunTrigger.node';
import { jikeyunCredentialData } from '../../emulators/credentials';
import { startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { pollTrigger } from '../../testing/n8nHarness';

/** Jikeyun Trigger → Sales Order Changed against the emulator: every change once, late ones too, state only on success. */
const trigger = new JikeyunTrigger();
const HOUR_MS = 3600 * 1000;
const timeOf = (text: string) => Date.parse(`${text.replace(' ', 'T')}+08:00`);

describe('Jikeyun Trigger: Sales Order Changed', () => {
	let emulator: JikeyunEmulator;
	const nowMs = Math.floor(Date.now() / 1000) * 1000;

	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ seed: 21, salesOrders: { count: 600, spanDays: 10, endMs: nowMs } });
	});
	afterEach(async () => {
		await emulator.close();
	});

	const poll = async (staticData: IDataObject, parameters: IDataObject = {}) => {
		const { result } = await pollTrigger(trigger, {
			parameters: {
				event: 'salesOrderChanged',
				options: { requestsPerSecond: 0, maxTries: 8, maxRetryWaitSeconds: 1 },
				...parameters,
			},
			credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
			staticData,
			mode: 'trigger',
		});
		return (result?.[0] ?? []).map((item) => item.json);
	};
	const numbers = (records: IDataObject[]) => records.map((record) => record.tradeNo as string).sort();

	it('first poll: the orders modified in the look-back period; then nothing twice, each change once', async () => {
		const staticData: IDataObject = {};
		const first = await poll(staticData, { firstRunLookbackHours: 48 });
		const expected = emulator
			.listSalesOrders()
			.filter((order) => timeOf(order.gmtModified) >= Date.now() - 48 * HOUR_MS - 5000);
		expect(expected.length).toBeGreaterThan(50);
		expect(numbers(first)).toEqual(expected.map((order) => order.tradeNo).sort());
		expect(first.every((order) => Array.isArray(order.goodsDetail))).toBe(true);

		expect(await poll(staticData)).toEqual([]);

		const [a, b] = expected;
		emulator.shipSalesOrders([a.tradeNo]);
		emulator.cancelSalesOrders([b.tradeNo]);
		const second = await poll(staticData);
		expect(numbers(second)).toEqual([a.tradeNo, b.tradeNo].sort());
		expect(second.find((order) => order.tradeNo === a.tradeNo)?.tradeStatus).toBe(6000);
		expect(second.find((order) => order.tradeNo === b.tradeNo)?.tradeStatus).toBe(5010);
		expect(await poll(staticData)).toEqual([]);
	});

	it('Start From Now emits nothing first, then only later changes', async () => {
		const staticData: IDataObject = {};
		expect(await poll(staticData, { firstRun: 'startFromNow' })).toEqual([]);
		const [added] = emulator.addSalesOrders(1);
		expect(numbers(await poll(staticData, { firstRun: 'startFromNow' }))).toEqual([added.tradeNo]);
	});

	it('a change visible 90 s after its gmtModified, behind the watermark, is emitted by the next poll (overlap)', async () => {
		const staticData: IDataObject = {};
		await poll(staticData, { firstRunLookbackHours: 1 });
		const [order] = emulator.listSalesOrders();
		const modifiedAt = Date.now() - 90_000;
		// Modified 90 s ago, but visible only from now on: the previous poll's watermark already passed it.
		emulator.modifySalesOrders(
			[order.tradeNo],
			{ sellerMemo: 'seen late' },
			{ atMs: modifiedAt, visibleAtMs: Date.now() + 1500 },
		);
		expect(await poll(staticData)).toEqual([]);
		await new Promise((resolve) => setTimeout(resolve, 1600));
		const late = await poll(staticData);
		expect(numbers(late)).toEqual([order.tradeNo]);
		expect(late[0].sellerMemo).toBe('seen late');
	});

	it('an order modified exactly at the watermark, visible only after that poll, is emitted by the next (inclusive ends, no overlap)', async () => {
		const staticData: IDataObject = {};
		await poll(staticData, { firstRunLookbackHours: 1, overlapMinutes: 0 });
		const watermark = (staticData.jikeyunSalesOrders as { watermarkMs: number }).watermarkMs;
		const [a, b] = emulator.listSalesOrders();
		emulator.modifySalesOrders([a.tradeNo], { sellerMemo: 'boundary' }, { atMs: watermark, visibleAtMs: Date.now() });
		emulator.modifySalesOrders([b.tradeNo], { sellerMemo: 'after' }, { atMs: watermark + 1000 });
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const next = await poll(staticData, { overlapMinutes: 0 });
		expect(numbers(next)).toEqual([a.tradeNo, b.tradeNo].sort());
		expect(await poll(staticData, { overlapMinutes: 0 })).toEqual([]);
	});

	it('a poll whose read cannot be proven complete fails loudly and keeps the watermark', async () => {
		const staticData: IDataObject = {};
		await poll(staticData, { firstRunLookbackHours: 1 });
		const before = JSON.stringify(staticData);
		emulator.addSalesOrders(60, { atMs: Date.now() - 30_000 });
		emulator.setCursorMode('live');
		// Every read gains an order while it runs: the counts never agree, nor do two reads.
		const churn = () =>
			emulator.beforeCursorPage(1, () => {
				emulator.addSalesOrders(1, { atMs: Date.now() - 20_000 });
				churn();
			});
		churn();
		await expect(poll(staticData, { options: { pageSize: 10, requestsPerSecond: 0, maxTries: 1 } })).rejects.toThrow(
			/could not be read completely/,
		);
		expect(JSON.stringify(staticData)).toBe(before);
	});

	it('under 5% transient faults every change arrives exactly once', async () => {
		const staticData: IDataObject = {};
		await poll(staticData, { firstRunLookbackHours: 1 });
		emulator.setFaults({ failureRate: 0.05 });
		const added = emulator.addSalesOrders(200);
		const options = { pageSize: 5, requestsPerSecond: 0, maxTries: 8, maxRetryWaitSeconds: 1 };
		const emitted = [...(await poll(staticData, { options })), ...(await poll(staticData, { options }))];
		expect(emulator.stats().injectedFailures).toBeGreaterThan(0);
		expect(numbers(emitted)).toEqual(added.map((order) => order.tradeNo).sort());
	});
});
