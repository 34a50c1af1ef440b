import { readBeijingWallClock } from '../signature';
import type { SeedDeliveryOrder, SeedTrade, SeedWarehouse, StoredShop } from '../seedData';
import type { SalesOrderData } from '../salesOrders';

/**
 * What every business-method handler of the emulated gateway shares (the handlers are one module each, listed in
 * ./index.ts): the BusinessError a handler throws for a `code:0` answer, the data it reads, and readers of
 * bizcontent values. A handler takes the parsed bizcontent and returns the JSON text of `result.data` (text, so
 * that Long ids can be written as bare numbers).
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
	/** oms.trade.fullinfoget's orders (./tradeFullInfoGet.ts). */
	salesOrders: SalesOrderData;
}

export type MethodHandler = (bizcontent: Record<string, unknown>, data: EmulatorData) => string;

export function parameterError(message: string): BusinessError {
	return new BusinessError(PARAMETER_ERROR_SUBCODE, message);
}

/** A non-negative integer given as a JSON number or a numeric string (clients send both). */
export function readInteger(bizcontent: Record<string, unknown>, name: string): number | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null || value === '') return undefined;
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^\d+$/.test(text)) throw parameterError(`参数${name}格式错误，应为非负整数`);
	return Number(text);
}

export interface Paging {
	offset: number;
	pageSize: number;
}

export function readPaging(bizcontent: Record<string, unknown>, firstPageIndex: 0 | 1): Paging {
	const pageSize = readInteger(bizcontent, 'pageSize') ?? DEFAULT_PAGE_SIZE;
	if (pageSize > MAX_PAGE_SIZE) {
		throw new BusinessError(PAGE_SIZE_TOO_LARGE_SUBCODE, `每页记录数pageSize不能超过${MAX_PAGE_SIZE}`);
	}
	if (pageSize < 1) throw parameterError('每页记录数pageSize必须大于0');
	// 1-based methods answer page 0 like page 1: the real pitfall of using an erp.* (0-based) loop on them.
	const pageIndex = Math.max(readInteger(bizcontent, 'pageIndex') ?? firstPageIndex, firstPageIndex);
	return { offset: (pageIndex - firstPageIndex) * pageSize, pageSize };
}

export function page<T>(rows: T[], paging: Paging): T[] {
	return rows.slice(paging.offset, paging.offset + paging.pageSize);
}

export function readText(bizcontent: Record<string, unknown>, name: string): string | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null) return undefined;
	const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
	if (text === undefined) throw parameterError(`参数${name}格式错误`);
	return text === '' ? undefined : text;
}

/** Comma-separated list (the documented form), also accepting a JSON array. */
export function readList(bizcontent: Record<string, unknown>, name: string): Set<string> | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null || value === '') return undefined;
	const items = Array.isArray(value) ? value.map((item) => String(item)) : String(value).split(',');
	const cleaned = items.map((item) => item.trim()).filter((item) => item !== '');
	return cleaned.length > 0 ? new Set(cleaned) : undefined;
}

export function readFlag(bizcontent: Record<string, unknown>, name: string): number | undefined {
	const value = bizcontent[name];
	if (value === undefined || value === null || value === '') return undefined;
	const flag = Number(value);
	// Anything but 0/1 is ignored, as the gateway ignores parameters it does not understand.
	return flag === 0 || flag === 1 ? flag : undefined;
}

export function readTime(bizcontent: Record<string, unknown>, name: string): number | undefined {
	const text = readText(bizcontent, name);
	if (text === undefined) return undefined;
	const date = readBeijingWallClock(text);
	if (!date) throw parameterError(`参数${name}格式错误，应为yyyy-MM-dd HH:mm:ss`);
	return date.getTime();
}

export interface VisibilityFilter {
	isBlockup?: number;
	isDelete?: number;
}

/**
 * Deleted/blocked records are hidden unless asked for, by analogy with erp.warehouse.get
 * (docs/jikeyun-open-api.md#sales-channel-request, inferred); `includeDeleteAndBlockup: 1` is that sibling's documented switch.
 */
export function readVisibility(bizcontent: Record<string, unknown>): VisibilityFilter {
	const includeAll = readFlag(bizcontent, 'includeDeleteAndBlockup') === 1;
	return {
		isBlockup: readFlag(bizcontent, 'isBlockup') ?? (includeAll ? undefined : 0),
		isDelete: readFlag(bizcontent, 'isDelete') ?? (includeAll ? undefined : 0),
	};
}

export function isVisible(
	flags: { isBlockup?: number | string; isDelete?: number | string },
	wanted: VisibilityFilter,
): boolean {
	if (wanted.isBlockup !== undefined && Number(flags.isBlockup ?? 0) !== wanted.isBlockup) return false;
	if (wanted.isDelete !== undefined && Number(flags.isDelete ?? 0) !== wanted.isDelete) return false;
	return true;
}

/** Drops the hidden modification time that the gateway filters on but never returns. */
export function publicFields<T extends { modifiedAtMs: number }>(record: T): Omit<T, 'modifiedAtMs'> {
	const copy: Partial<T> = { ...record };
	delete copy.modifiedAtMs;
	return copy as Omit<T, 'modifiedAtMs'>;
}

export function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
