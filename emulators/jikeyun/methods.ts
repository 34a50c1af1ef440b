import { readBeijingWallClock } from './signature';
import { BareInteger, toJsonText } from './jsonText';
import type { SeedDeliveryOrder, SeedTrade, SeedWarehouse, StoredShop } from './seedData';

/**
 * Business-method handlers of the emulated gateway. Each takes the parsed bizcontent and returns the
 * JSON text of `result.data` (text, so that Long ids can be written as bare numbers), or throws
 * BusinessError for a `code:0` answer.
 */
export class BusinessError extends Error {
	constructor(
		readonly subCode: string,
		readonly msg: string,
	) {
		super(msg);
	}
}

/**
 * Sub-code for malformed business parameters. The real codes for these cases were never captured;
 * 0130020001 is the generic failure every official page shows (docs/jikeyun-open-api.md#sub-codes), so clients must
 * treat it as "no diagnosis" anyway. Unconfirmed.
 */
export const PARAMETER_ERROR_SUBCODE = '0130020001';
/** Page size above 200 (observed live on erp-stock.stock.skulist; message text not captured, ours is made up). */
export const PAGE_SIZE_TOO_LARGE_SUBCODE = '0130020327';
/** wms.* business-parameter error (observed live, docs/jikeyun-open-api.md#sub-codes). */
export const WMS_PARAMETER_ERROR_SUBCODE = '0050030002';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export interface EmulatorData {
	shops: StoredShop[];
	warehouses: SeedWarehouse[];
	deliveryOrders: SeedDeliveryOrder[];
	trades: SeedTrade[];
}

export type MethodHandler = (bizcontent: Record<string, unknown>, data: EmulatorData) => string;

function parameterError(message: string): BusinessError {
	return new BusinessError(PARAMETER_ERROR_SUBCODE, message);
}

/** A non-negative integer given as a JSON number or a numeric string (clients send both). */
function readInteger(bizcontent: Record<string, unknown>, name: string): number | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null || value === '') return undefined;
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^\d+$/.test(text)) throw parameterError(`参数${name}格式错误，应为非负整数`);
	return Number(text);
}

interface Paging {
	offset: number;
	pageSize: number;
}

function readPaging(bizcontent: Record<string, unknown>, firstPageIndex: 0 | 1): Paging {
	const pageSize = readInteger(bizcontent, 'pageSize') ?? DEFAULT_PAGE_SIZE;
	if (pageSize > MAX_PAGE_SIZE) {
		throw new BusinessError(PAGE_SIZE_TOO_LARGE_SUBCODE, `每页记录数pageSize不能超过${MAX_PAGE_SIZE}`);
	}
	if (pageSize < 1) throw parameterError('每页记录数pageSize必须大于0');
	// 1-based methods answer page 0 like page 1: the real pitfall of using an erp.* (0-based) loop on them.
	const pageIndex = Math.max(readInteger(bizcontent, 'pageIndex') ?? firstPageIndex, firstPageIndex);
	return { offset: (pageIndex - firstPageIndex) * pageSize, pageSize };
}

function page<T>(rows: T[], paging: Paging): T[] {
	return rows.slice(paging.offset, paging.offset + paging.pageSize);
}

function readText(bizcontent: Record<string, unknown>, name: string): string | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null) return undefined;
	const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
	if (text === undefined) throw parameterError(`参数${name}格式错误`);
	return text === '' ? undefined : text;
}

/** Comma-separated list (the documented form), also accepting a JSON array. */
function readList(bizcontent: Record<string, unknown>, name: string): Set<string> | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null || value === '') return undefined;
	const items = Array.isArray(value) ? value.map((item) => String(item)) : String(value).split(',');
	const cleaned = items.map((item) => item.trim()).filter((item) => item !== '');
	return cleaned.length > 0 ? new Set(cleaned) : undefined;
}

function readFlag(bizcontent: Record<string, unknown>, name: string): number | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null || value === '') return undefined;
	const flag = Number(value);
	// Anything but 0/1 is ignored, as the gateway ignores parameters it does not understand.
	return flag === 0 || flag === 1 ? flag : undefined;
}

function readTime(bizcontent: Record<string, unknown>, name: string): number | undefined {
	const text = readText(bizcontent, name);
	if (text === undefined) return undefined;
	const date = readBeijingWallClock(text);
	if (!date) throw parameterError(`参数${name}格式错误，应为yyyy-MM-dd HH:mm:ss`);
	return date.getTime();
}

interface VisibilityFilter {
	isBlockup?: number;
	isDelete?: number;
}

/**
 * Deleted/blocked records are hidden unless asked for, by analogy with erp.warehouse.get
 * (docs/jikeyun-open-api.md#sales-channel-request, inferred); `includeDeleteAndBlockup: 1` is that sibling's documented switch.
 */
function readVisibility(bizcontent: Record<string, unknown>): VisibilityFilter {
	const includeAll = readFlag(bizcontent, 'includeDeleteAndBlockup') === 1;
	return {
		isBlockup: readFlag(bizcontent, 'isBlockup') ?? (includeAll ? undefined : 0),
		isDelete: readFlag(bizcontent, 'isDelete') ?? (includeAll ? undefined : 0),
	};
}

function isVisible(
	flags: { isBlockup?: number | string; isDelete?: number | string },
	wanted: VisibilityFilter,
): boolean {
	if (wanted.isBlockup !== undefined && Number(flags.isBlockup ?? 0) !== wanted.isBlockup) return false;
	if (wanted.isDelete !== undefined && Number(flags.isDelete ?? 0) !== wanted.isDelete) return false;
	return true;
}

/** Drops the hidden modification time that the gateway filters on but never returns. */
function publicFields<T extends { modifiedAtMs: number }>(record: T): Omit<T, 'modifiedAtMs'> {
	const copy: Partial<T> = { ...record };
	delete copy.modifiedAtMs;
	return copy as Omit<T, 'modifiedAtMs'>;
}

function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Records in the order the emulator pages them: ascending channelId, so paging is stable. */
export function filterSalesChannels(bizcontent: Record<string, unknown>, shops: StoredShop[]): StoredShop[] {
	const code = readText(bizcontent, 'code');
	const name = readText(bizcontent, 'name')?.toLowerCase();
	const channelCodes = readList(bizcontent, 'channelCodes');
	const channelIds = readList(bizcontent, 'channelIds');
	const cateNames = readList(bizcontent, 'cateNames');
	const modifiedFrom = readTime(bizcontent, 'gmtModifiedStart');
	const modifiedTo = readTime(bizcontent, 'gmtModifiedEnd');
	const visibility = readVisibility(bizcontent);
	return shops
		.filter(({ shop, modifiedAtMs }) => {
			if (!isVisible(shop, visibility)) return false;
			if (code !== undefined && shop.channelCode !== code) return false;
			if (name !== undefined && !shop.channelName.toLowerCase().includes(name)) return false;
			if (channelCodes && !channelCodes.has(shop.channelCode)) return false;
			if (channelIds && !channelIds.has(shop.channelId)) return false;
			if (cateNames && !cateNames.has(shop.cateName ?? '')) return false;
			if (modifiedFrom !== undefined && modifiedAtMs < modifiedFrom) return false;
			if (modifiedTo !== undefined && modifiedAtMs > modifiedTo) return false;
			return true;
		})
		.sort((a, b) => compareIds(a.shop.channelId, b.shop.channelId));
}

const getSalesChannels: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 0);
	const rows = page(filterSalesChannels(bizcontent, data.shops), paging).map(({ shop }) => ({
		...shop,
		channelId: new BareInteger(shop.channelId),
	}));
	return toJsonText({ salesChannelInfo: rows });
};

const getWarehouses: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 0);
	const code = readText(bizcontent, 'warehouseCode');
	const modifiedFrom = readTime(bizcontent, 'gmtModifiedStart');
	const modifiedTo = readTime(bizcontent, 'gmtModifiedEnd');
	const visibility = readVisibility(bizcontent);
	const rows = data.warehouses.filter(
		(w) =>
			isVisible(w, visibility) &&
			(code === undefined || w.warehouseCode === code) &&
			(modifiedFrom === undefined || w.gmtModified >= modifiedFrom) &&
			(modifiedTo === undefined || w.gmtModified <= modifiedTo),
	);
	const warehouseInfo = page(rows, paging).map((w) => ({ ...w, warehouseId: new BareInteger(w.warehouseId) }));
	return toJsonText({ warehouseInfo });
};

const MAX_WMS_WINDOW_MS = 24 * 3600 * 1000;

const queryDeliveryOrders: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 1);
	const from = readTime(bizcontent, 'startModifyTime');
	const to = readTime(bizcontent, 'endModifyTime');
	if (from !== undefined && to !== undefined && to - from > MAX_WMS_WINDOW_MS) {
		throw new BusinessError(WMS_PARAMETER_ERROR_SUBCODE, '修改时间起止时间差不能超过24小时');
	}
	const rows = data.deliveryOrders.filter(
		(o) => (from === undefined || o.modifiedAtMs >= from) && (to === undefined || o.modifiedAtMs <= to),
	);
	// This method returns the list itself as `data` (docs/jikeyun-open-api.md#data-shapes-and-long-ids).
	return toJsonText(
		page(rows, paging).map((order) => ({ ...publicFields(order), orderId: new BareInteger(order.orderId) })),
	);
};

const getOnlineOrders: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 0);
	const from = readTime(bizcontent, 'startModified');
	const to = readTime(bizcontent, 'endModified');
	const rows = data.trades.filter(
		(t) => (from === undefined || t.modifiedAtMs >= from) && (to === undefined || t.modifiedAtMs <= to),
	);
	const trades = page(rows, paging).map((trade) => ({
		...publicFields(trade),
		TradeId: new BareInteger(trade.TradeId),
		ShopId: new BareInteger(trade.ShopId),
	}));
	// omsapi-business.* put a JSON-encoded string in `data` that clients must parse again
	// (docs/jikeyun-open-api.md#data-shapes-and-long-ids).
	return JSON.stringify(toJsonText({ Trades: trades }));
};

export const METHOD_HANDLERS: Record<string, MethodHandler> = {
	'erp.sales.get': getSalesChannels,
	'erp.warehouse.get': getWarehouses,
	'wms.order.query-info.page': queryDeliveryOrders,
	'omsapi-business.order.get': getOnlineOrders,
};
