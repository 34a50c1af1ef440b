import { parseJsonLossless } from '../../nodes/common/losslessJson';
import { signJikeyunRequest } from '../../nodes/Jikeyun/protocol/sign';
import { formatBeijingTime } from '../../nodes/Jikeyun/protocol/timestamp';
import {
	DEFAULT_JIKEYUN_APP,
	DEFAULT_MATERIAL_NUMBERS,
	startJikeyunEmulator,
	type JikeyunEmulator,
} from '../../emulators/jikeyun/server';

/**
 * oms.trade.fullinfoget as docs/jikeyun-open-api.md#sales-orders describes it, over HTTP. Expected texts and codes
 * are the doc's, not read from the emulator.
 */
interface Envelope {
	code: number;
	msg: string;
	subCode: string;
	result: { data: { scrollId?: string; trades: Array<Record<string, unknown>>; totalResults?: number } | null };
}

const METHOD = 'oms.trade.fullinfoget';
const DAY_MS = 24 * 3600 * 1000;
const ORDER_FIELDS =
	'tradeNo,tradeId,shopId,shopcode,warehouseCode,gmtModified,consignTime,tradeStatus,goodsDetail.goodsNo,goodsDetail.subTradeId';

async function call(
	emulator: JikeyunEmulator,
	bizcontent: Record<string, unknown>,
): Promise<{ text: string; envelope: Envelope }> {
	const parameters: Record<string, string> = {
		method: METHOD,
		appkey: DEFAULT_JIKEYUN_APP.appKey,
		version: 'v1.0',
		contenttype: 'json',
		timestamp: formatBeijingTime(new Date()),
		bizcontent: JSON.stringify(bizcontent),
	};
	parameters.sign = signJikeyunRequest(parameters, DEFAULT_JIKEYUN_APP.appSecret);
	const response = await fetch(emulator.url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
		body: new URLSearchParams(parameters).toString(),
	});
	const text = await response.text();
	return { text, envelope: parseJsonLossless(text) as Envelope };
}

const beijing = (ms: number) => formatBeijingTime(new Date(ms));

describe('oms.trade.fullinfoget in the Jikeyun emulator', () => {
	let emulator: JikeyunEmulator;
	const nowMs = Math.floor(Date.now() / 1000) * 1000;
	const lastWeek = () => ({ startModified: beijing(nowMs - 7 * DAY_MS), endModified: beijing(nowMs) });

	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ seed: 5, salesOrders: { count: 300, spanDays: 20, endMs: nowMs } });
	});
	afterEach(async () => {
		await emulator.close();
	});

	/** Every order of a cursor read, page by page, until an empty `trades`. */
	async function cursorRead(bizcontent: Record<string, unknown>) {
		const pages: Array<Array<Record<string, unknown>>> = [];
		let scrollId = '';
		for (let guard = 0; guard < 100; guard++) {
			const { envelope } = await call(emulator, { ...bizcontent, scrollId });
			expect(envelope.code).toBe(200);
			const data = envelope.result.data!;
			if (data.trades.length === 0) return pages;
			pages.push(data.trades);
			scrollId = data.scrollId!;
		}
		throw new Error('cursor did not end');
	}

	it('refuses a request without fields (0040139996, 查询字段不能为空)', async () => {
		const { envelope } = await call(emulator, lastWeek());
		expect(envelope).toMatchObject({ code: 0, subCode: '0040139996', msg: '查询字段不能为空' });
	});

	it('refuses a request without order number or time range, and ranges over 7 days (起止时间不能超过7天)', async () => {
		const none = await call(emulator, { fields: 'tradeNo' });
		expect(none.envelope.code).toBe(0);
		const tooLong = await call(emulator, {
			fields: 'tradeNo',
			startConsignTime: beijing(nowMs - 7 * DAY_MS - 1000),
			endConsignTime: beijing(nowMs),
		});
		expect(tooLong.envelope).toMatchObject({ code: 0, msg: '起止时间不能超过7天' });
		const exactlySeven = await call(emulator, {
			fields: 'tradeNo',
			startConsignTime: beijing(nowMs - 7 * DAY_MS),
			endConsignTime: beijing(nowMs),
		});
		expect(exactlySeven.envelope.code).toBe(200);
	});

	it('refuses a page size over 200 (0130020327) and answers 50 by default', async () => {
		const big = await call(emulator, { ...lastWeek(), fields: 'tradeNo', pageSize: 201 });
		expect(big.envelope).toMatchObject({ code: 0, subCode: '0130020327' });
		const byDefault = await call(emulator, { ...lastWeek(), fields: 'tradeNo', pageIndex: 0 });
		expect(byDefault.envelope.result.data!.trades).toHaveLength(50);
	});

	it('answers only the listed fields, lines as a list, 19-digit ids as bare numbers', async () => {
		const { text, envelope } = await call(emulator, { ...lastWeek(), fields: ORDER_FIELDS, pageSize: 5 });
		const trades = envelope.result.data!.trades;
		expect(trades).toHaveLength(5);
		for (const trade of trades) {
			expect(Object.keys(trade).sort()).toEqual(
				[
					'tradeNo',
					'tradeId',
					'shopId',
					'shopcode',
					'warehouseCode',
					'gmtModified',
					'consignTime',
					'tradeStatus',
					'goodsDetail',
				].sort(),
			);
			const lines = trade.goodsDetail as Array<Record<string, unknown>>;
			expect(lines.length).toBeGreaterThanOrEqual(1);
			expect(lines.length).toBeLessThanOrEqual(5);
			for (const line of lines) {
				expect(Object.keys(line).sort()).toEqual(['goodsNo', 'subTradeId']);
				expect(DEFAULT_MATERIAL_NUMBERS).toContain(line.goodsNo);
				expect(text).toContain(`"subTradeId":${String(line.subTradeId)}`);
			}
			expect(String(trade.tradeId)).toMatch(/^\d{19}$/);
			expect(text).toContain(`"tradeId":${String(trade.tradeId)}`);
			expect(String(trade.shopId)).toMatch(/^\d{19}$/);
			expect(String(trade.gmtModified)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		}
	});

	it("shop codes are seeded shops' channel codes and warehouses active warehouse codes", async () => {
		const shops = new Map(emulator.listShops().map((shop) => [shop.channelCode, shop]));
		for (const order of emulator.listSalesOrders()) {
			const shop = shops.get(order.shopcode);
			expect(shop?.channelId).toBe(order.shopId);
			expect(shop?.isBlockup || shop?.isDelete).toBeFalsy();
			expect(order.warehouseCode).toMatch(/^WH0(0[1-69]|1[0-2])$/);
		}
	});

	it('pages by cursor: scrollId in fields, pageIndex ignored, empty trades at the end; the same orders as offset paging', async () => {
		const fields = `${ORDER_FIELDS},scrollId`;
		const pages = await cursorRead({ ...lastWeek(), fields, pageSize: 40, pageIndex: 3 });
		const byCursor = pages.flat().map((trade) => trade.tradeNo);
		expect(pages.slice(0, -1).every((page) => page.length === 40)).toBe(true);
		expect(new Set(byCursor).size).toBe(byCursor.length);

		const byOffset: unknown[] = [];
		for (let pageIndex = 0; ; pageIndex++) {
			const { envelope } = await call(emulator, { ...lastWeek(), fields: ORDER_FIELDS, pageSize: 40, pageIndex });
			expect(envelope.result.data!.scrollId).toBeUndefined();
			const trades = envelope.result.data!.trades;
			byOffset.push(...trades.map((trade) => trade.tradeNo));
			if (trades.length < 40) break;
		}
		expect(byCursor).toEqual(byOffset);
		const expected = emulator
			.listSalesOrders()
			.filter((order) => order.gmtModified >= lastWeek().startModified && order.gmtModified <= lastWeek().endModified);
		expect(byCursor.length).toBe(expected.length);
		expect(byCursor.length).toBeGreaterThan(40);
	});

	it('hasTotal adds totalResults; an unknown scrollId fails', async () => {
		const { envelope } = await call(emulator, {
			...lastWeek(),
			fields: 'tradeNo,scrollId',
			scrollId: '',
			hasTotal: 1,
			pageSize: 10,
		});
		const total = emulator.listSalesOrders().filter((o) => o.gmtModified >= lastWeek().startModified).length;
		expect(envelope.result.data!.totalResults).toBe(total);
		const unknown = await call(emulator, { ...lastWeek(), fields: 'tradeNo,scrollId', scrollId: 'bm90LWlzc3VlZA' });
		expect(unknown.envelope.code).toBe(0);
	});

	it('filters by status list, trade type list, shop ids, warehouse ids and order numbers', async () => {
		const all = emulator
			.listSalesOrders()
			.filter((o) => o.consignTime !== '' && o.consignTime >= lastWeek().startModified);
		const sample = all.slice(0, 3);
		const byNumber = await call(emulator, { fields: 'tradeNo', tradeNo: sample.map((o) => o.tradeNo).join(',') });
		expect(byNumber.envelope.result.data!.trades.map((t) => t.tradeNo).sort()).toEqual(
			sample.map((o) => o.tradeNo).sort(),
		);

		const range = { startConsignTime: lastWeek().startModified, endConsignTime: lastWeek().endModified };
		const filtered = await call(emulator, {
			...range,
			fields: 'tradeNo,tradeStatus,tradeType,shopId,warehouseId',
			tradeStatusList: [6000, 9090],
			tradeTypeList: [sample[0].tradeType],
			shopIds: [sample[0].shopId],
			warehouseIds: [sample[0].warehouseId],
			pageSize: 200,
		});
		const expected = all.filter(
			(o) =>
				[6000, 9090].includes(o.tradeStatus) &&
				o.tradeType === sample[0].tradeType &&
				o.shopId === sample[0].shopId &&
				o.warehouseId === sample[0].warehouseId,
		);
		expect(expected.length).toBeGreaterThan(0);
		expect(expected.length).toBeLessThan(all.length);
		expect(filtered.envelope.result.data!.trades.map((t) => t.tradeNo).sort()).toEqual(
			expected.map((o) => o.tradeNo).sort(),
		);
	});

	it('a change becomes visible only from its visibleAtMs; the range filters on its gmtModified', async () => {
		const [order] = emulator.listSalesOrders();
		const modifiedAt = nowMs - 60_000;
		emulator.modifySalesOrders(
			[order.tradeNo],
			{ sellerMemo: 'late' },
			{ atMs: modifiedAt, visibleAtMs: Date.now() + 60_000 },
		);
		const query = {
			fields: 'tradeNo,sellerMemo,gmtModified',
			startModified: beijing(modifiedAt),
			endModified: beijing(modifiedAt),
		};
		expect((await call(emulator, query)).envelope.result.data!.trades).toEqual([]);
		emulator.modifySalesOrders([order.tradeNo], { sellerMemo: 'seen' }, { atMs: modifiedAt });
		expect((await call(emulator, query)).envelope.result.data!.trades).toEqual([
			{ tradeNo: order.tradeNo, sellerMemo: 'seen', gmtModified: beijing(modifiedAt) },
		]);
	});

	it('snapshot cursor: an order modified during the read comes in its old version; live cursor: a later one is skipped', async () => {
		const fields = 'tradeNo,gmtModified,scrollId';
		const window = { startModified: beijing(nowMs - 5 * DAY_MS), endModified: beijing(nowMs - DAY_MS) };
		const before = (await cursorRead({ ...window, fields, pageSize: 10 })).flat().map((t) => t.tradeNo as string);
		expect(before.length).toBeGreaterThan(20);

		emulator.beforeCursorPage(1, () => emulator.modifySalesOrders([before[0]], { sellerMemo: 'moved' }));
		const snapshot = (await cursorRead({ ...window, fields, pageSize: 10 })).flat().map((t) => t.tradeNo);
		expect(snapshot).toEqual(before);

		emulator.setCursorMode('live');
		const remaining = before.slice(1);
		emulator.beforeCursorPage(1, () => emulator.modifySalesOrders([remaining[0]], { sellerMemo: 'moved' }));
		const live = (await cursorRead({ ...window, fields, pageSize: 10 })).flat().map((t) => t.tradeNo);
		// The order first in line left the window after page 0: every later order moved up one place, one is skipped.
		expect(live).toHaveLength(remaining.length - 1);
		expect(live).not.toContain(remaining[10]);
	});

	it('the fault switches apply: a transient failure answers 0130020001', async () => {
		emulator.setFaults({ failNextCalls: 1 });
		const { envelope } = await call(emulator, { ...lastWeek(), fields: 'tradeNo' });
		expect(envelope).toMatchObject({ code: 0, subCode: '0130020001' });
	});

	it('ship and cancel helpers set status and consign time at the given moment', async () => {
		const [added] = emulator.addSalesOrders(1, { atMs: nowMs - 3600_000 });
		expect(added.tradeStatus).toBe(4110);
		const [shipped] = emulator.shipSalesOrders([added.tradeNo], { atMs: nowMs - 1800_000 });
		expect(shipped).toMatchObject({
			tradeStatus: 6000,
			consignTime: beijing(nowMs - 1800_000),
			gmtModified: beijing(nowMs - 1800_000),
		});
		const [cancelled] = emulator.cancelSalesOrders([added.tradeNo], { atMs: nowMs - 60_000 });
		expect(cancelled).toMatchObject({ tradeStatus: 5010, gmtModified: beijing(nowMs - 60_000) });
	});
});
