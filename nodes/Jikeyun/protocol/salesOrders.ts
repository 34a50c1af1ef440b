import type { JikeyunClient } from './client';
import { fetchJikeyunList, readPath } from './listMethod';
import { formatBeijingTime } from './timestamp';

/** oms.trade.fullinfoget, docs/jikeyun-open-api.md#sales-orders. */
const SALES_ORDER_METHOD = 'oms.trade.fullinfoget';
const SALES_ORDER_LIST_KEY = 'trades';
const SALES_ORDER_CURSOR = 'scrollId';
/** Default 50, at most 200 (docs/jikeyun-open-api.md#sales-order-request). */
export const MAX_SALES_ORDER_PAGE_SIZE = 200;
/** Each time range may span at most 7 days (起止时间不能超过7天). */
export const MAX_SALES_ORDER_RANGE_MS = 7 * 24 * 60 * 60 * 1000;
const SECOND_MS = 1000;

/** The time a range filters on → its request parameters and the order field holding it. */
export const SALES_ORDER_TIME_FIELDS = {
	consign: { start: 'startConsignTime', end: 'endConsignTime', field: 'consignTime' },
	modified: { start: 'startModified', end: 'endModified', field: 'gmtModified' },
	created: { start: 'startCreated', end: 'endCreated', field: 'gmtCreate' },
	audit: { start: 'startAuditTime', end: 'endAuditTime', field: 'auditTime' },
	trade: { start: 'startTradeTime', end: 'endTradeTime', field: 'tradeTime' },
	complete: { start: 'startCompleteTime', end: 'endCompleteTime', field: 'completeTime' },
} as const;
export type SalesOrderTimeField = keyof typeof SALES_ORDER_TIME_FIELDS;

/** The order and its lines (docs/jikeyun-open-api.md#sales-order-records); the node's default for `fields`. */
export const DEFAULT_SALES_ORDER_FIELDS = [
	'tradeNo',
	'tradeId',
	'sourceTradeNo',
	'tradeStatus',
	'tradeType',
	'shopId',
	'shopName',
	'shopcode',
	'warehouseId',
	'warehouseCode',
	'warehouseName',
	'gmtCreate',
	'gmtModified',
	'tradeTime',
	'auditTime',
	'consignTime',
	'completeTime',
	'sellerMemo',
	'buyerMemo',
	'totalFee',
	'discountFee',
	'payment',
	'postFee',
	'taxFee',
	'goodsDetail.subTradeId',
	'goodsDetail.tradeId',
	'goodsDetail.goodsId',
	'goodsDetail.goodsNo',
	'goodsDetail.goodsName',
	'goodsDetail.specName',
	'goodsDetail.barcode',
	'goodsDetail.unit',
	'goodsDetail.sellCount',
	'goodsDetail.sellPrice',
	'goodsDetail.sellTotal',
	'goodsDetail.discountFee',
	'goodsDetail.taxRate',
	'goodsDetail.taxFee',
	'goodsDetail.isGift',
	'goodsDetail.goodsMemo',
	'goodsDetail.outerId',
	SALES_ORDER_CURSOR,
];

/**
 * Fields the read itself needs, added to any list: the cursor (without it the answer has no next page), the order
 * number (identity) and gmtModified (change detection). docs/jikeyun-open-api.md#complete-order-reads.
 */
const REQUIRED_FIELDS = [SALES_ORDER_CURSOR, 'tradeNo', 'gmtModified'];

/** The `fields` text to send: the user's list (comma or newline separated, trimmed, de-duplicated) plus REQUIRED_FIELDS. */
export function salesOrderFieldsText(fields: string | string[]): string {
	const listed = (Array.isArray(fields) ? fields : fields.split(/[,\n，]/))
		.map((f) => f.trim())
		.filter((f) => f !== '');
	return [...new Set([...listed, ...REQUIRED_FIELDS])].join(',');
}

/** Filters the node offers (docs/jikeyun-open-api.md#sales-order-request); empty ones are left out of the request. */
export interface SalesOrderFilters {
	tradeStatusList?: number[];
	tradeTypeList?: number[];
	shopIds?: string[];
	warehouseIds?: string[];
	/** Comma list of order numbers. */
	tradeNo?: string;
}

export function buildSalesOrderQuery(filters: SalesOrderFilters, fields: string): Record<string, unknown> {
	const query: Record<string, unknown> = { fields };
	for (const [key, value] of Object.entries(filters)) {
		if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
		query[key] = value;
	}
	return query;
}

export interface InclusiveWindow {
	startMs: number;
	endMs: number;
}

/**
 * [fromMs, toMs] (whole seconds, both ends included) as consecutive windows of at most `maxSpanMs` each, the next
 * starting one second after the previous ended: the gateway compares to the second and includes both ends, so an
 * order at a boundary is in exactly one window (docs/jikeyun-open-api.md#complete-order-reads).
 */
export function splitInclusiveWindows(fromMs: number, toMs: number, maxSpanMs: number): InclusiveWindow[] {
	const start = Math.ceil(fromMs / SECOND_MS) * SECOND_MS;
	const end = Math.floor(toMs / SECOND_MS) * SECOND_MS;
	const span = Math.max(0, Math.floor(maxSpanMs / SECOND_MS) * SECOND_MS);
	const windows: InclusiveWindow[] = [];
	for (let at = start; at <= end; at = windows[windows.length - 1].endMs + SECOND_MS) {
		windows.push({ startMs: at, endMs: Math.min(end, at + span) });
	}
	return windows;
}

export interface SalesOrderWindowRead {
	records: unknown[];
	/** Requests made, count checks and second reads included. */
	requests: number;
	/** False when `shouldStop` ended the read early. */
	complete: boolean;
}

function totalOf(data: unknown): number | undefined {
	const total = Number(readPath(data, 'totalResults'));
	return Number.isInteger(total) && total >= 0 ? total : undefined;
}

/**
 * One window by scrollId cursor, proven complete (docs/jikeyun-open-api.md#complete-order-reads): the first page asks
 * for `totalResults`; after the read one offset request counts the matches again; the read is complete when both
 * counts equal the orders returned. Otherwise it is read again until a proof or two agreeing reads.
 */
export async function fetchSalesOrderWindow(
	client: JikeyunClient,
	request: { timeField?: SalesOrderTimeField; window?: InclusiveWindow; query: Record<string, unknown> },
	options: { pageSize: number; limit?: number; shouldStop?: () => boolean },
): Promise<SalesOrderWindowRead> {
	const query: Record<string, unknown> = { ...request.query, hasTotal: 1 };
	if (request.timeField && request.window) {
		// Without a time field the query names order numbers (docs/jikeyun-open-api.md#sales-order-request).
		const time = SALES_ORDER_TIME_FIELDS[request.timeField];
		query[time.start] = formatBeijingTime(new Date(request.window.startMs));
		query[time.end] = formatBeijingTime(new Date(request.window.endMs));
	}
	let startTotal: number | undefined;
	let countRequests = 0;
	const countNow = async (): Promise<number | undefined> => {
		countRequests++;
		const count = { ...query, fields: 'tradeNo', pageIndex: 0, pageSize: 1 };
		const { data } = await client.call(SALES_ORDER_METHOD, count, { part: 'count' });
		return totalOf(data);
	};
	const result = await fetchJikeyunList(client, {
		method: SALES_ORDER_METHOD,
		query,
		pageSize: options.pageSize,
		limit: options.limit,
		listPath: SALES_ORDER_LIST_KEY,
		idPath: 'tradeNo',
		shouldStop: options.shouldStop,
		cursor: {
			parameter: SALES_ORDER_CURSOR,
			path: SALES_ORDER_CURSOR,
			onData: (data, page) => {
				if (page === 0) startTotal = totalOf(data);
			},
			proveComplete: async (records) => {
				if (startTotal === undefined || startTotal !== records.length) return false;
				return (await countNow()) === startTotal;
			},
		},
	});
	return { records: result.records, requests: result.pages + countRequests, complete: result.complete };
}

export interface SalesOrderRead {
	records: unknown[];
	requests: number;
	/** End of the last window read completely (undefined: none). */
	completeUntilMs?: number;
	complete: boolean;
}

/**
 * Every order whose `timeField` lies in [fromMs, toMs], window by window (≤ 7 days each), one record per order number
 * (an order met in two windows, because it changed during the read, keeps its newest version).
 */
export async function fetchSalesOrders(
	client: JikeyunClient,
	request: { timeField: SalesOrderTimeField; fromMs: number; toMs: number; query: Record<string, unknown> },
	options: { pageSize: number; limit?: number; shouldStop?: () => boolean; maxSpanMs?: number },
): Promise<SalesOrderRead> {
	const byNumber = new Map<string, unknown>();
	let requests = 0;
	let completeUntilMs: number | undefined;
	const maxSpanMs = Math.min(options.maxSpanMs ?? MAX_SALES_ORDER_RANGE_MS, MAX_SALES_ORDER_RANGE_MS);
	for (const window of splitInclusiveWindows(request.fromMs, request.toMs, maxSpanMs)) {
		const remaining = options.limit === undefined ? undefined : options.limit - byNumber.size;
		if (remaining !== undefined && remaining <= 0) break;
		const read = await fetchSalesOrderWindow(client, { ...request, window }, { ...options, limit: remaining });
		requests += read.requests;
		for (const record of read.records) keepNewest(byNumber, record);
		if (!read.complete) return { records: [...byNumber.values()], requests, completeUntilMs, complete: false };
		completeUntilMs = window.endMs;
	}
	const records = [...byNumber.values()];
	return {
		records: options.limit === undefined ? records : records.slice(0, options.limit),
		requests,
		completeUntilMs,
		complete: true,
	};
}

function keepNewest(byNumber: Map<string, unknown>, record: unknown): void {
	const number = String(readPath(record, 'tradeNo') ?? '');
	const known = byNumber.get(number);
	const modified = (value: unknown) => String(readPath(value, 'gmtModified') ?? '');
	// Same-format Beijing text compares like the time it names.
	if (known === undefined || modified(record) >= modified(known)) byNumber.set(number, record);
}
