import type { IDataObject } from 'n8n-workflow';
import { JikeyunTrigger } from '../../nodes/Jikeyun/JikeyunTrigger.node';
import { jikeyunCredentialData } from '../../emulators/credentials';
import { startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { pollTrigger } from '../../testing/n8nHarness';

const trigger = new JikeyunTrigger();

describe('Jikeyun Trigger against the gateway emulator', () => {
	let emulator: JikeyunEmulator;

	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 120, seed: 11 });
	});

	afterEach(async () => {
		await emulator.close();
	});

	const credentials = () => ({ jikeyunApi: jikeyunCredentialData(emulator) });
	const poll = (staticData: IDataObject, parameters: IDataObject = {}, mode: 'manual' | 'trigger' = 'trigger') =>
		pollTrigger(trigger, {
			parameters: { options: { requestsPerSecond: 0, maxTries: 1 }, ...parameters },
			credentials: credentials(),
			staticData,
			mode,
		});
	const codesOf = (result: Awaited<ReturnType<typeof poll>>['result']) =>
		(result?.[0] ?? []).map((item) => item.json.channelCode as string).sort();

	it.each(['window', 'fullScan'])(
		'(%s) emits all shops first, then exactly the changed ones, nothing twice',
		async (changeDetection) => {
			const staticData: IDataObject = {};
			const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);

			const first = await poll(staticData, { changeDetection });
			expect(codesOf(first.result)).toEqual(visible.map((shop) => shop.channelCode).sort());

			// Nothing changed: nothing emitted (the overlap re-reads recent records, the hash filters them).
			const idle = await poll(staticData, { changeDetection });
			expect(idle.result).toBeNull();

			const changed = [visible[3].channelCode, visible[40].channelCode, visible[77].channelCode];
			emulator.modifyShops(changed, (shop) => ({ channelName: `${shop.channelName} (renamed)` }));
			const second = await poll(staticData, { changeDetection });
			expect(codesOf(second.result)).toEqual([...changed].sort());
			for (const item of second.result?.[0] ?? []) {
				expect(String(item.json.channelName)).toMatch(/\(renamed\)$/);
			}

			// Touching a record without changing its content emits nothing; the next poll is quiet too.
			emulator.modifyShops([visible[5].channelCode], {});
			const third = await poll(staticData, { changeDetection });
			expect(third.result).toBeNull();
		},
	);

	describe('changes made while a poll pages through the list (window mode)', () => {
		const active = () => emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
		const nameOf = (result: Awaited<ReturnType<typeof poll>>['result'], code: string) =>
			(result?.[0] ?? []).find((item) => item.json.channelCode === code)?.json.channelName;

		it.each([0, 5])(
			'(overlap %i min) a shop renamed during a poll on a page already read is emitted by that poll or the next, with its new name',
			async (overlapMinutes) => {
				const parameters = {
					changeDetection: 'window',
					overlapMinutes,
					options: { pageSize: 10, requestsPerSecond: 0, maxTries: 1 },
				};
				const staticData: IDataObject = {};
				await poll(staticData, parameters);
				const visible = active();
				const inWindow = visible.slice(30, 55).map((shop) => shop.channelCode);
				emulator.modifyShops(inWindow, { memo: 'changed before the poll' });
				emulator.setFaults({ pageDrift: { beforePageIndex: 1, renameFirst: 2 } });
				const during = await poll(staticData, parameters);
				emulator.setFaults({});
				const after = await poll(staticData, parameters);
				const renamed = visible.slice(0, 2);
				const emittedCodes = new Set([...codesOf(during.result), ...codesOf(after.result)]);
				for (const code of [...inWindow, ...renamed.map((shop) => shop.channelCode)])
					expect(emittedCodes).toContain(code);
				for (const shop of renamed) {
					expect(nameOf(after.result, shop.channelCode) ?? nameOf(during.result, shop.channelCode)).toBe(
						`${shop.channelName} (renamed)`,
					);
				}
			},
		);

		it.each([0, 5])(
			'(overlap %i min) shops stopped during a poll do not hide the changed shops behind them',
			async (overlapMinutes) => {
				const parameters = {
					changeDetection: 'window',
					overlapMinutes,
					options: { pageSize: 10, requestsPerSecond: 0, maxTries: 1 },
				};
				const staticData: IDataObject = {};
				await poll(staticData, parameters);
				const visible = active();
				const inWindow = visible.slice(0, 25).map((shop) => shop.channelCode);
				emulator.modifyShops(inWindow, { memo: 'changed before the poll' });
				emulator.setFaults({ pageDrift: { beforePageIndex: 1, stopFirst: 3 } });
				const during = await poll(staticData, parameters);
				emulator.setFaults({});
				expect(codesOf(during.result)).toEqual(expect.arrayContaining(inWindow.slice(3)));
			},
		);
	});

	it('a failed poll leaves the watermark and the seen records untouched', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const before = JSON.stringify(staticData);
		const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
		emulator.modifyShops([visible[0].channelCode], { channelName: 'Changed while failing' });
		emulator.setFaults({ failNextCalls: 1 });
		await expect(poll(staticData)).rejects.toThrow(/0130020001|未知错误/);
		expect(JSON.stringify(staticData)).toBe(before);
		// The change is still delivered by the next successful poll.
		const recovered = await poll(staticData);
		expect(codesOf(recovered.result)).toEqual([visible[0].channelCode]);
	});

	it('"Start From Now" emits nothing on the first poll, then only changes', async () => {
		const staticData: IDataObject = {};
		const first = await poll(staticData, { firstRun: 'startFromNow' });
		expect(first.result).toBeNull();
		const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
		emulator.modifyShops([visible[9].channelCode], { channelName: 'New name' });
		const second = await poll(staticData, { firstRun: 'startFromNow' });
		expect(codesOf(second.result)).toEqual([visible[9].channelCode]);
	});

	it('re-emits every shop when the full re-emit period has passed', async () => {
		const staticData: IDataObject = {};
		await poll(staticData, { fullRescanHours: 1 });
		const state = staticData.jikeyunIncremental as IDataObject;
		state.lastFullEmitMs = Number(state.lastFullEmitMs) - 2 * 3_600_000;
		const again = await poll(staticData, { fullRescanHours: 1 });
		const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
		expect(again.result?.[0]).toHaveLength(visible.length);
	});

	describe('full re-emit, by default hourly', () => {
		const minute = 60_000;
		/** Pretends the last full emit was `minutes` ago (the trigger reads the real clock). */
		const lastFullEmitAgo = (staticData: IDataObject, minutes: number) => {
			(staticData.jikeyunIncremental as IDataObject).lastFullEmitMs = Date.now() - minutes * minute;
		};
		const visibleCodes = () =>
			emulator
				.listShops()
				.filter((shop) => !shop.isDelete && !shop.isBlockup)
				.map((shop) => shop.channelCode)
				.sort();

		it.each(['window', 'fullScan'])(
			'(%s) re-emits every shop 61 minutes after the last full emit, not 59 minutes after',
			async (changeDetection) => {
				const staticData: IDataObject = {};
				await poll(staticData, { changeDetection });

				lastFullEmitAgo(staticData, 59);
				const early = await poll(staticData, { changeDetection });
				expect(early.result).toBeNull();

				lastFullEmitAgo(staticData, 61);
				const due = await poll(staticData, { changeDetection });
				expect(codesOf(due.result)).toEqual(visibleCodes());
				// The re-emit restarts the period: the next poll is quiet again.
				const next = await poll(staticData, { changeDetection });
				expect(next.result).toBeNull();
			},
		);

		it('takes fractional hours, and 0 never re-emits', async () => {
			const staticData: IDataObject = {};
			await poll(staticData, { fullRescanHours: 0.5 });
			lastFullEmitAgo(staticData, 29);
			expect((await poll(staticData, { fullRescanHours: 0.5 })).result).toBeNull();
			lastFullEmitAgo(staticData, 31);
			expect(codesOf((await poll(staticData, { fullRescanHours: 0.5 })).result)).toEqual(visibleCodes());

			lastFullEmitAgo(staticData, 365 * 24 * 60);
			expect((await poll(staticData, { fullRescanHours: 0 })).result).toBeNull();
		});
	});

	it('splits a long gap into windows no longer than the maximum', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const state = staticData.jikeyunIncremental as IDataObject;
		state.watermarkMs = Number(state.watermarkMs) - 50 * 3_600_000;
		state.lastFullEmitMs = Date.now();
		emulator.resetStats();
		await poll(staticData, { maxWindowHours: 24, fullRescanHours: 0 });
		// 50 h + 5 min overlap in windows of 24 h: three windows, one page each.
		expect(emulator.stats().byMethod['erp.sales.get']).toBe(3);
		expect(Number((staticData.jikeyunIncremental as IDataObject).watermarkMs)).toBeGreaterThan(Date.now() - 60_000);
	});

	it('a manual run of the shop event emits every shop (a full resync) and does not touch the state', async () => {
		const staticData: IDataObject = {};
		const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
		const manual = await poll(staticData, {}, 'manual');
		expect(codesOf(manual.result)).toEqual(visible.map((shop) => shop.channelCode).sort());
		expect(staticData).toEqual({});
	});

	it('a manual run of a method window emits a sample of at most 5 records and does not touch the state', async () => {
		const staticData: IDataObject = {};
		// Eight shops changed now: more than the sample inside the last-24-hours window.
		const changed = emulator
			.listShops()
			.filter((shop) => !shop.isDelete && !shop.isBlockup)
			.slice(0, 8);
		emulator.modifyShops(
			changed.map((shop) => shop.channelCode),
			{ memo: 'changed' },
		);
		const sample = await poll(staticData, { event: 'methodWindow', method: 'erp.sales.get' }, 'manual');
		expect(sample.result?.[0].length).toBe(5);
		expect(staticData).toEqual({});
	});
});
