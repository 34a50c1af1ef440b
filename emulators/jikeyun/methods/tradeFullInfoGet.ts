import { BareInteger, toJsonText } from '../jsonText';
import type { SalesOrder, VisibleOrder } from '../salesOrders';
import { readBeijingWallClock } from '../signature';
import {
	BusinessError,
	compareIds,
	DEFAULT_PAGE_SIZE,
	MAX_PAGE_SIZE,
	type MethodHandler,
	PAGE_SIZE_TOO_LARGE_SUBCODE,
	parameterError,
	readFlag,
	readInteger,
	readList,
	readText,
	readTime,
	WMS_PARAMETER_ERROR_SUBCODE,
} from './parameters';

/**
 * oms.trade.fullinfoget (销售单查询), docs/jikeyun-open-api.md#sales-orders: `fields` required and filtering the
 * answer, one of tradeNo / sourceTradeNos / tradeDeliveryNo / a time range required, each range at most 7 days,
 * scrollId cursor or 0-based offset paging, `hasTotal`, page size ≤ 200.
 */

/** `fields` missing (single source, seen on the `.customized` variant). */
export const FIELDS_REQUIRED_SUBCODE = '0040139996';
/**
 * Range over 7 days or no query condition: the real sub-code is not captured. The business-parameter failure observed
 * live for the same kind of rule on wms.* (`0050030002`, 修改时间起止时间差不能超过24小时) is used (emulator choice).
 */
export const ORDER_QUERY_SUBCODE = WMS_PARAMETER_ERROR_SUBCODE;
export const MAX_ORDER_RANGE_MS = 7 * 24 * 3600 * 1000;

/** Request range parameters and the order field each filters on. */
export const ORDER_TIME_RANGES: ReadonlyArray<readonly [string, string, keyof SalesOrder]> = [
	['startModified', 'endModified', 'gmtModified'],
	['startCreated', 'endCreated', 'gmtCreate'],
	['startAuditTime', 'endAuditTime', 'auditTime'],
	['startConsignTime', 'endConsignTime', 'consignTime'],
	['startTradeTime', 'endTradeTime', 'tradeTime'],
	['startCompleteTime', 'endCompleteTime', 'completeTime'],
];

const ID_FIELDS = new Set(['tradeId', 'shopId', 'warehouseId']);
const LINE_ID_FIELDS = new Set(['subTradeId', 'tradeId']);

type OrderTest = (entry: VisibleOrder) => boolean;

function readFields(bizcontent: Record<string, unknown>): Set<string> {
	const fields = readList(bizcontent, 'fields');
	if (!fields) throw new BusinessError(FIELDS_REQUIRED_SUBCODE, '查询字段不能为空');
	return fields;
}

function timeOf(order: SalesOrder, field: keyof SalesOrder): number | undefined {
	const value = order[field];
	return typeof value === 'string' && value !== '' ? readBeijingWallClock(value)?.getTime() : undefined;
}

function rangeTests(bizcontent: Record<string, unknown>): OrderTest[] {
	const tests: OrderTest[] = [];
	for (const [startName, endName, field] of ORDER_TIME_RANGES) {
		const start = readTime(bizcontent, startName);
		const end = readTime(bizcontent, endName);
		if (start === undefined && end === undefined) continue;
		if (start === undefined || end === undefined) {
			throw new BusinessError(ORDER_QUERY_SUBCODE, `${startName}和${endName}必须同时填写`);
		}
		if (end < start) throw new BusinessError(ORDER_QUERY_SUBCODE, `${startName}不能晚于${endName}`);
		if (end - start > MAX_ORDER_RANGE_MS) throw new BusinessError(ORDER_QUERY_SUBCODE, '起止时间不能超过7天');
		tests.push(({ order, modifiedAtMs }) => {
			const at = field === 'gmtModified' ? modifiedAtMs : timeOf(order, field);
			return at !== undefined && at >= start && at <= end;
		});
	}
	return tests;
}

function inList(
	bizcontent: Record<string, unknown>,
	name: string,
	valueOf: (order: SalesOrder) => string,
): OrderTest[] {
	const wanted = readList(bizcontent, name);
	return wanted ? [({ order }) => wanted.has(valueOf(order))] : [];
}

/** Every condition of the request as one test; throws when the request names no condition the gateway accepts. */
function orderQuery(bizcontent: Record<string, unknown>): OrderTest {
	const ranges = rangeTests(bizcontent);
	const keyed = ['tradeNo', 'sourceTradeNos', 'tradeDeliveryNo'].some((name) => readList(bizcontent, name));
	if (ranges.length === 0 && !keyed) {
		throw new BusinessError(ORDER_QUERY_SUBCODE, 'tradeNo、sourceTradeNos、tradeDeliveryNo和时间范围至少填写一个');
	}
	const tradeStatus = readInteger(bizcontent, 'tradeStatus');
	const tradeType = readInteger(bizcontent, 'tradeType');
	const isDelete = readFlag(bizcontent, 'isDelete');
	const tests: OrderTest[] = [
		...ranges,
		...inList(bizcontent, 'tradeNo', (order) => order.tradeNo),
		...inList(bizcontent, 'tradeIds', (order) => order.tradeId),
		...inList(bizcontent, 'sourceTradeNos', (order) => order.sourceTradeNo),
		...inList(bizcontent, 'tradeDeliveryNo', (order) => order.tradeDeliveryNo),
		...inList(bizcontent, 'tradeStatusList', (order) => String(order.tradeStatus)),
		...inList(bizcontent, 'tradeTypeList', (order) => String(order.tradeType)),
		...inList(bizcontent, 'shopIds', (order) => order.shopId),
		...inList(bizcontent, 'warehouseIds', (order) => order.warehouseId),
		({ order }) => tradeStatus === undefined || order.tradeStatus === tradeStatus,
		({ order }) => tradeType === undefined || order.tradeType === tradeType,
		({ order }) => order.isDelete === (isDelete ?? 0),
	];
	return (entry) => tests.every((test) => test(entry));
}

function readPageSize(bizcontent: Record<string, unknown>): number {
	const pageSize = readInteger(bizcontent, 'pageSize') ?? DEFAULT_PAGE_SIZE;
	if (pageSize > MAX_PAGE_SIZE) {
		throw new BusinessError(PAGE_SIZE_TOO_LARGE_SUBCODE, `每页记录数pageSize不能超过${MAX_PAGE_SIZE}`);
	}
	if (pageSize < 1) throw parameterError('每页记录数pageSize必须大于0');
	return pageSize;
}

/** Only the listed fields; `goodsDetail.x` picks line fields, `goodsDetail` alone every line field. Ids as Longs. */
function project(order: SalesOrder, fields: Set<string>): Record<string, unknown> {
	const answer: Record<string, unknown> = {};
	const lineFields = [...fields].filter((f) => f.startsWith('goodsDetail.')).map((f) => f.slice('goodsDetail.'.length));
	for (const [key, value] of Object.entries(order)) {
		if (key === 'goodsDetail') continue;
		if (fields.has(key)) answer[key] = ID_FIELDS.has(key) ? new BareInteger(String(value)) : value;
	}
	if (fields.has('goodsDetail') || lineFields.length > 0) {
		answer.goodsDetail = order.goodsDetail.map((line) => {
			const projected: Record<string, unknown> = {};
			for (const [key, value] of Object.entries(line)) {
				if (!fields.has('goodsDetail') && !lineFields.includes(key)) continue;
				projected[key] = LINE_ID_FIELDS.has(key) ? new BareInteger(String(value)) : value;
			}
			return projected;
		});
	}
	return answer;
}

export const getTradeFullInfo: MethodHandler = (bizcontent, data) => {
	const book = data.salesOrders;
	const fields = readFields(bizcontent);
	const matches = orderQuery(bizcontent);
	const pageSize = readPageSize(bizcontent);
	const hasTotal = readFlag(bizcontent, 'hasTotal') === 1;
	const nowMs = book.now();
	const select = (atMs: number) =>
		book.orders
			.visibleAt(atMs)
			.filter(matches)
			.sort((a, b) => compareIds(a.order.tradeId, b.order.tradeId));
	const scrollId = readText(bizcontent, 'scrollId') ?? (bizcontent.scrollId === '' ? '' : undefined);

	// The cursor needs both a scrollId key and `scrollId` in `fields` (docs/jikeyun-open-api.md#sales-order-paging).
	if (scrollId !== undefined && fields.has('scrollId')) {
		const cursor = scrollId === '' ? book.cursors.start(select, nowMs) : book.cursors.resume(scrollId);
		if (!cursor) throw parameterError('scrollId无效或已过期');
		const { rows, total } = book.cursors.page(cursor, pageSize, nowMs);
		return toJsonText({
			scrollId: cursor.id,
			trades: rows.map(({ order }) => project(order, fields)),
			...(hasTotal ? { totalResults: total } : {}),
		});
	}
	const all = select(nowMs);
	const offset = (readInteger(bizcontent, 'pageIndex') ?? 0) * pageSize;
	return toJsonText({
		trades: all.slice(offset, offset + pageSize).map(({ order }) => project(order, fields)),
		...(hasTotal ? { totalResults: all.length } : {}),
	});
};
