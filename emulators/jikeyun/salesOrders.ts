import { createRandom, deriveSeed, pick, randomInt, type Random } from './prng';
import { SEED_WAREHOUSES, type JikeyunShop } from './seedData';
import { beijingWallClock } from './signature';

/**
 * The emulator's sales orders (销售单) for oms.trade.fullinfoget (docs/jikeyun-open-api.md#sales-orders). Every
 * change is a new version with its own `gmtModified` and the moment it becomes visible to queries, so a change can be
 * seen late (docs/jikeyun-open-api.md#sales-order-emulator-choices): a query at time t sees, per order, the newest
 * version visible at t, and an order none of whose versions is visible yet does not exist for it.
 */

/** One order line as the gateway returns it under `goodsDetail` (ids as digit strings). */
export interface SalesOrderLine {
	subTradeId: string;
	tradeId: string;
	goodsId: string;
	goodsNo: string;
	goodsName: string;
	specName: string;
	barcode: string;
	unit: string;
	sellCount: number;
	sellPrice: number;
	sellTotal: number;
	discountFee: number;
	taxRate: number;
	taxFee: number;
	isGift: number;
	goodsMemo: string;
	outerId: string;
}

/** One order in API field shape; times are `yyyy-MM-dd HH:mm:ss` Beijing text or '' when not reached. */
export interface SalesOrder {
	tradeId: string;
	tradeNo: string;
	sourceTradeNo: string;
	tradeDeliveryNo: string;
	shopId: string;
	shopName: string;
	shopcode: string;
	warehouseId: string;
	warehouseCode: string;
	warehouseName: string;
	tradeStatus: number;
	tradeType: number;
	isDelete: number;
	gmtCreate: string;
	gmtModified: string;
	tradeTime: string;
	auditTime: string;
	consignTime: string;
	completeTime: string;
	sellerMemo: string;
	buyerMemo: string;
	totalFee: number;
	discountFee: number;
	payment: number;
	postFee: number;
	taxFee: number;
	goodsDetail: SalesOrderLine[];
}

interface OrderVersion {
	order: SalesOrder;
	modifiedAtMs: number;
	visibleAtMs: number;
}

export interface SalesOrderSeedOptions {
	/** Orders seeded at start (default 200). */
	count?: number;
	/** Their trade times spread over this many days before `endMs` (default 30). */
	spanDays?: number;
	/** Latest seeded time (default: the emulator's start, whole second). */
	endMs?: number;
	/** goodsNo values (default DEFAULT_MATERIAL_NUMBERS): the Kingdee materials the lines refer to. */
	materialNumbers?: string[];
	/** warehouseCode values (default the active seeded warehouses): the Kingdee stocks. */
	stockNumbers?: string[];
	/** Seconds between a change's gmtModified and its visibility when a mutation does not say (default 0). */
	visibilityDelaySeconds?: number;
}

/** When a mutation happens (`gmtModified`, default now) and when queries first see it (default + the delay). */
export interface ChangeTiming {
	atMs?: number;
	visibleAtMs?: number;
}

/** Material numbers `M-0001` … `M-0060`: what the Kingdee emulator must hold as BD_MATERIAL for the orders sample. */
export const DEFAULT_MATERIAL_NUMBERS: string[] = Array.from(
	{ length: 60 },
	(_, i) => `M-${String(i + 1).padStart(4, '0')}`,
);

/** tradeStatus values (docs/jikeyun-open-api.md#sales-order-records). */
export const TRADE_STATUS = {
	awaitingAudit: 1010,
	awaitingShipment: 4110,
	cancelled: 5010,
	cancelledMerged: 5020,
	cancelledSplit: 5030,
	shipped: 6000,
	completed: 9090,
} as const;

const GOODS = [
	{ name: '纯棉T恤', unit: '件', specs: ['白色/M', '黑色/L', '灰色/XL'] },
	{ name: '保温杯', unit: '个', specs: ['350ml', '500ml'] },
	{ name: '蓝牙耳机', unit: '副', specs: ['标准版', '降噪版'] },
	{ name: '面膜套装', unit: '盒', specs: ['10片装', '20片装'] },
	{ name: '儿童积木', unit: '套', specs: ['小颗粒', '大颗粒'] },
	{ name: '不锈钢锅', unit: '口', specs: ['28cm', '32cm'] },
];
const MEMOS = ['', '', '', '加急', '赠品随单', '客户要求周末送达', '含"引号"与&符号的备注'];

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

function money(value: number): number {
	return Math.round(value * 100) / 100;
}

function text(ms: number | undefined): string {
	return ms === undefined ? '' : beijingWallClock(new Date(ms));
}

function idFrom(base: string, index: number, step: number): string {
	return (BigInt(base) + BigInt(index) * BigInt(step)).toString();
}

interface OrderPlace {
	shop: JikeyunShop;
	warehouseCode: string;
	materials: string[];
}

function makeLines(random: Random, tradeId: string, index: number, materials: string[]): SalesOrderLine[] {
	const lines: SalesOrderLine[] = [];
	const count = randomInt(random, 1, 5);
	for (let line = 0; line < count; line++) {
		const goods = pick(random, GOODS);
		const goodsNo = pick(random, materials);
		const sellCount = randomInt(random, 1, 6);
		const isGift = random() < 0.08 ? 1 : 0;
		const sellPrice = isGift ? 0 : randomInt(random, 990, 59_900) / 100;
		const sellTotal = money(sellPrice * sellCount);
		const taxRate = 0.13;
		lines.push({
			subTradeId: idFrom('1810000000000000000', index * 8 + line, 1_000_033),
			tradeId,
			goodsId: String(6_000_000 + Number(goodsNo.replace(/\D/g, '') || 0)),
			goodsNo,
			goodsName: goods.name,
			specName: pick(random, goods.specs),
			barcode: `69${String(randomInt(random, 0, 99_999_999_999)).padStart(11, '0')}`,
			unit: goods.unit,
			sellCount,
			sellPrice,
			sellTotal,
			discountFee: 0,
			taxRate,
			taxFee: money((sellTotal * taxRate) / (1 + taxRate)),
			isGift,
			goodsMemo: isGift ? '赠品' : '',
			outerId: `${goodsNo}-${line + 1}`,
		});
	}
	return lines;
}

/** Status and the times it implies, all at or before `endMs`; gmtModified is the last of them. */
function lifecycle(random: Random, tradeMs: number, endMs: number) {
	const roll = random();
	const status =
		roll < 0.08
			? TRADE_STATUS.awaitingAudit
			: roll < 0.18
				? TRADE_STATUS.awaitingShipment
				: roll < 0.26
					? pick(random, [TRADE_STATUS.cancelled, TRADE_STATUS.cancelledMerged, TRADE_STATUS.cancelledSplit])
					: roll < 0.6
						? TRADE_STATUS.shipped
						: TRADE_STATUS.completed;
	const clamp = (ms: number) => Math.min(endMs, ms);
	const auditMs =
		status === TRADE_STATUS.awaitingAudit ? undefined : clamp(tradeMs + randomInt(random, 1, 90) * MINUTE_MS);
	const shipped = status === TRADE_STATUS.shipped || status === TRADE_STATUS.completed;
	const consignMs =
		shipped && auditMs !== undefined ? clamp(auditMs + randomInt(random, 10, 24 * 60) * MINUTE_MS) : undefined;
	const completeMs =
		status === TRADE_STATUS.completed && consignMs !== undefined
			? clamp(consignMs + randomInt(random, 1, 72) * 60 * MINUTE_MS)
			: undefined;
	const cancelMs =
		status >= 5010 && status <= 5030 ? clamp((auditMs ?? tradeMs) + randomInt(random, 1, 600) * MINUTE_MS) : undefined;
	const modifiedMs = Math.max(tradeMs, auditMs ?? 0, consignMs ?? 0, completeMs ?? 0, cancelMs ?? 0);
	return { status, auditMs, consignMs, completeMs, modifiedMs };
}

/** One seeded order; deterministic for (seed, index) whatever was generated before. */
function generateOrder(seed: number, index: number, tradeMs: number, endMs: number, place: OrderPlace): SalesOrder {
	const random = createRandom(deriveSeed(seed, 'salesOrder', index));
	const tradeId = idFrom('1960000000000000000', index, 7_340_033);
	const times = lifecycle(random, tradeMs, endMs);
	const goodsDetail = makeLines(random, tradeId, index, place.materials);
	const totalFee = money(goodsDetail.reduce((sum, line) => sum + line.sellTotal, 0));
	const postFee = random() < 0.7 ? 0 : pick(random, [6, 8, 10, 12]);
	const discountFee = random() < 0.8 ? 0 : money(totalFee * 0.05);
	const warehouse = SEED_WAREHOUSES.find((w) => w.warehouseCode === place.warehouseCode);
	const day = beijingWallClock(new Date(tradeMs)).slice(0, 10).replace(/-/g, '');
	return {
		tradeId,
		tradeNo: `JY${day}${String(index + 1).padStart(6, '0')}`,
		sourceTradeNo: `${randomInt(random, 1_000_000_000, 9_999_999_999)}${index}`,
		tradeDeliveryNo: times.consignMs === undefined ? '' : `FH${day}${String(index + 1).padStart(6, '0')}`,
		shopId: place.shop.channelId,
		shopName: place.shop.channelName,
		shopcode: place.shop.channelCode,
		warehouseId: warehouse?.warehouseId ?? idFrom('1880000000000000000', index % 1000, 7_777_777),
		warehouseCode: place.warehouseCode,
		warehouseName: warehouse?.warehouseName ?? place.warehouseCode,
		tradeStatus: times.status,
		tradeType: random() < 0.8 ? 1 : pick(random, [2, 3, 7, 9]),
		isDelete: 0,
		gmtCreate: text(tradeMs),
		gmtModified: text(times.modifiedMs),
		tradeTime: text(tradeMs),
		auditTime: text(times.auditMs),
		consignTime: text(times.consignMs),
		completeTime: text(times.completeMs),
		sellerMemo: pick(random, MEMOS),
		buyerMemo: random() < 0.2 ? '请尽快发货' : '',
		totalFee,
		discountFee,
		payment: money(totalFee - discountFee + postFee),
		postFee,
		taxFee: money(goodsDetail.reduce((sum, line) => sum + line.taxFee, 0)),
		goodsDetail,
	};
}

function cloneOrder(order: SalesOrder): SalesOrder {
	return { ...order, goodsDetail: order.goodsDetail.map((line) => ({ ...line })) };
}

function wholeSecond(ms: number): number {
	return Math.floor(ms / SECOND_MS) * SECOND_MS;
}

/** The orders and their versions; what the fullinfoget handler reads and the emulator's helpers change. */
export class SalesOrderBook {
	private readonly versions: OrderVersion[][] = [];

	private readonly byTradeNo = new Map<string, number>();

	private readonly places: OrderPlace[];

	private readonly delayMs: number;

	private nextIndex = 0;

	constructor(
		private readonly seed: number,
		shops: JikeyunShop[],
		options: SalesOrderSeedOptions,
		private readonly now: () => number,
	) {
		const active = shops.filter((shop) => !shop.isBlockup && !shop.isDelete);
		const stocks =
			options.stockNumbers ?? SEED_WAREHOUSES.filter((w) => !w.isBlockup && !w.isDelete).map((w) => w.warehouseCode);
		const materials = options.materialNumbers ?? DEFAULT_MATERIAL_NUMBERS;
		if (active.length === 0 || stocks.length === 0 || materials.length === 0) {
			throw new TypeError('sales orders need at least one active shop, stock number and material number');
		}
		const random = createRandom(deriveSeed(seed, 'salesOrderPlaces'));
		this.places = Array.from({ length: 64 }, () => ({
			shop: pick(random, active),
			warehouseCode: pick(random, stocks),
			materials,
		}));
		this.delayMs = (options.visibilityDelaySeconds ?? 0) * SECOND_MS;
		const count = options.count ?? 200;
		const endMs = wholeSecond(options.endMs ?? now());
		const spanMs = (options.spanDays ?? 30) * DAY_MS;
		for (let i = 0; i < count; i++) {
			// Trade times spread evenly, oldest first, with a seeded jitter of up to a minute.
			const tradeMs = wholeSecond(endMs - spanMs + ((i + 0.5) / count) * spanMs * 0.97);
			const order = generateOrder(seed, i, tradeMs, endMs, this.placeFor(i));
			const modifiedAtMs = Date.parse(`${order.gmtModified.replace(' ', 'T')}+08:00`);
			this.store(order, modifiedAtMs, modifiedAtMs);
		}
	}

	private placeFor(index: number): OrderPlace {
		return this.places[deriveSeed(this.seed, 'place', index) % this.places.length];
	}

	private store(order: SalesOrder, modifiedAtMs: number, visibleAtMs: number): void {
		const existing = this.byTradeNo.get(order.tradeNo);
		if (existing === undefined) {
			this.byTradeNo.set(order.tradeNo, this.versions.length);
			this.versions.push([{ order, modifiedAtMs, visibleAtMs }]);
			this.nextIndex++;
		} else {
			this.versions[existing].push({ order, modifiedAtMs, visibleAtMs });
		}
	}

	private timing(timing: ChangeTiming = {}): { atMs: number; visibleAtMs: number } {
		const atMs = wholeSecond(timing.atMs ?? this.now());
		return { atMs, visibleAtMs: timing.visibleAtMs ?? atMs + this.delayMs };
	}

	/** Each order's newest version visible at `atMs`, in ascending tradeId (creation) order; with its gmtModified in ms. */
	visibleAt(atMs: number): Array<{ order: SalesOrder; modifiedAtMs: number }> {
		const visible: Array<{ order: SalesOrder; modifiedAtMs: number }> = [];
		for (const history of this.versions) {
			let latest: OrderVersion | undefined;
			for (const version of history) if (version.visibleAtMs <= atMs) latest = version;
			if (latest) visible.push({ order: latest.order, modifiedAtMs: latest.modifiedAtMs });
		}
		return visible;
	}

	/** The newest version of every order (visible or not yet), copied. */
	latest(): SalesOrder[] {
		return this.versions.map((history) => cloneOrder(history[history.length - 1].order));
	}

	/** New orders traded (and last modified) at the timing's moment, awaiting audit. */
	add(count: number, timing?: ChangeTiming): SalesOrder[] {
		const { atMs, visibleAtMs } = this.timing(timing);
		const added: SalesOrder[] = [];
		for (let i = 0; i < count; i++) {
			const index = this.nextIndex;
			const order = generateOrder(this.seed, index, atMs, atMs, this.placeFor(index));
			Object.assign(order, {
				tradeStatus: TRADE_STATUS.awaitingShipment,
				auditTime: text(atMs),
				consignTime: '',
				completeTime: '',
				tradeDeliveryNo: '',
				gmtModified: text(atMs),
			});
			this.store(order, atMs, visibleAtMs);
			added.push(cloneOrder(order));
		}
		return added;
	}

	/** A new version of each order with `change` applied and gmtModified set to the timing's moment. */
	modify(
		tradeNos: string[],
		change: Partial<SalesOrder> | ((order: SalesOrder) => Partial<SalesOrder>),
		timing?: ChangeTiming,
	): SalesOrder[] {
		const missing = tradeNos.filter((tradeNo) => !this.byTradeNo.has(tradeNo));
		if (missing.length > 0) throw new Error(`Unknown tradeNo(s): ${missing.join(', ')}`);
		const { atMs, visibleAtMs } = this.timing(timing);
		return tradeNos.map((tradeNo) => {
			const history = this.versions[this.byTradeNo.get(tradeNo) as number];
			const current = cloneOrder(history[history.length - 1].order);
			const patch = typeof change === 'function' ? change(cloneOrder(current)) : change;
			// tradeId and tradeNo are the order's identity; a change never makes a different order.
			const next: SalesOrder = {
				...current,
				...patch,
				tradeId: current.tradeId,
				tradeNo,
				gmtModified: text(atMs),
			};
			this.store(next, atMs, visibleAtMs);
			return cloneOrder(next);
		});
	}

	/** Shipped (发货在途, 6000) at the timing's moment: consignTime and a delivery number set. */
	ship(tradeNos: string[], timing?: ChangeTiming): SalesOrder[] {
		const { atMs } = this.timing(timing);
		return this.modify(
			tradeNos,
			(order) => ({
				tradeStatus: TRADE_STATUS.shipped,
				auditTime: order.auditTime || text(atMs),
				consignTime: text(atMs),
				tradeDeliveryNo: order.tradeDeliveryNo || `FH${order.tradeNo.slice(2)}`,
			}),
			timing,
		);
	}

	/** Cancelled (已取消, 5010) at the timing's moment. */
	cancel(tradeNos: string[], timing?: ChangeTiming): SalesOrder[] {
		return this.modify(tradeNos, { tradeStatus: TRADE_STATUS.cancelled }, timing);
	}
}

/**
 * How a scrollId read sees changes made while it runs (docs/jikeyun-open-api.md#sales-order-emulator-choices):
 * `snapshot` (default) fixes the matching orders and their versions at the first request, as a search-engine scroll
 * does; `live` re-evaluates the query on every page and continues at the offset reached, so an order leaving the
 * result during the read shifts the rest and one can be skipped.
 */
export type CursorMode = 'snapshot' | 'live';

export type VisibleOrder = { order: SalesOrder; modifiedAtMs: number };

interface OpenCursor {
	id: string;
	/** snapshot: the orders fixed at the first request. */
	rows?: VisibleOrder[];
	/** live: the query, evaluated again on every page. */
	select: (atMs: number) => VisibleOrder[];
	position: number;
	pagesAnswered: number;
}

/** Server-side scroll state of oms.trade.fullinfoget (one per first request with `scrollId: ""`). */
export class SalesOrderCursors {
	mode: CursorMode = 'snapshot';

	private readonly open = new Map<string, OpenCursor>();

	private readonly pageHooks = new Map<number, Array<() => void>>();

	private counter = 0;

	/** Runs `hook` once, just before the emulator answers page `pageNumber` (0 = the first request) of a cursor read. */
	beforePage(pageNumber: number, hook: () => void): void {
		const hooks = this.pageHooks.get(pageNumber) ?? [];
		hooks.push(hook);
		this.pageHooks.set(pageNumber, hooks);
	}

	private runHooks(pageNumber: number): void {
		const hooks = this.pageHooks.get(pageNumber);
		if (!hooks) return;
		this.pageHooks.delete(pageNumber);
		for (const hook of hooks) hook();
	}

	/** Starts a read; its first page comes from `page`. */
	start(select: (atMs: number) => VisibleOrder[], atMs: number): OpenCursor {
		this.runHooks(0);
		this.counter++;
		// Looks like a search-engine scroll id; opaque to clients.
		const id = Buffer.from(`queryThenFetch;${this.counter};emulator`).toString('base64').replace(/=+$/, '');
		const cursor: OpenCursor = { id, select, position: 0, pagesAnswered: 0 };
		if (this.mode === 'snapshot') cursor.rows = select(atMs);
		this.open.set(id, cursor);
		return cursor;
	}

	/** The cursor a later request names, or undefined when this emulator never issued it. */
	resume(id: string): OpenCursor | undefined {
		const cursor = this.open.get(id);
		if (cursor) this.runHooks(cursor.pagesAnswered);
		return cursor;
	}

	/** The next page of the read and how many orders match in total (snapshot size, or the live count). */
	page(cursor: OpenCursor, pageSize: number, atMs: number): { rows: VisibleOrder[]; total: number } {
		const rows = cursor.rows ?? cursor.select(atMs);
		const page = rows.slice(cursor.position, cursor.position + pageSize);
		cursor.position += page.length;
		cursor.pagesAnswered++;
		return { rows: page, total: rows.length };
	}
}

/** What oms.trade.fullinfoget reads: the orders, the open cursors and the emulator's clock. */
export interface SalesOrderData {
	orders: SalesOrderBook;
	cursors: SalesOrderCursors;
	now: () => number;
}
