import type { JikeyunClient } from './client';
import { fetchJikeyunList, type FetchListResult } from './listMethod';
import { formatBeijingTime, parseBeijingTime } from './timestamp';

const SALES_CHANNEL_METHOD = 'erp.sales.get';
const SALES_CHANNEL_LIST_KEY = 'salesChannelInfo';
/** A channel's identity (docs/jikeyun-open-api.md#sales-channel-records); the complete read compares reads by it. */
export const SALES_CHANNEL_ID_PATH = 'channelId';
/** The gateway refuses larger pages of erp.sales.get with 0130020327 (docs/jikeyun-open-api.md#paging). */
export const MAX_SALES_CHANNEL_PAGE_SIZE = 200;

/** Filters of erp.sales.get as the node exposes them (docs/jikeyun-open-api.md#sales-channel-request). */
export interface SalesChannelFilters {
	code?: string;
	name?: string;
	gmtModifiedStart?: string;
	gmtModifiedEnd?: string;
	isBlockup?: number | string;
	isDelete?: number | string;
	cateNames?: string;
	channelCodes?: string;
	channelIds?: string;
	includeDeleteAndBlockup?: number | boolean;
}

/**
 * A date-time for the gateway: `yyyy-MM-dd HH:mm:ss` in Beijing time. Text already in that shape is
 * taken as Beijing time; ISO text with a zone (Z, +08:00) is converted; ISO text without a zone is
 * read as Beijing wall-clock time too. Returns undefined for text that is not a date.
 */
export function toJikeyunDateTime(value: string | Date): string | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : formatBeijingTime(value);
	const text = value.trim();
	if (parseBeijingTime(text)) return text;
	const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
	if (!iso) {
		const dateOnly = /^\d{4}-\d{2}-\d{2}$/.exec(text);
		return dateOnly && parseBeijingTime(`${text} 00:00:00`) ? `${text} 00:00:00` : undefined;
	}
	const [, day, clock, , zone] = iso;
	const time = clock.length === 5 ? `${clock}:00` : clock;
	if (!zone) return parseBeijingTime(`${day} ${time}`) ? `${day} ${time}` : undefined;
	const date = new Date(
		`${day}T${time}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
	);
	return Number.isNaN(date.getTime()) ? undefined : formatBeijingTime(date);
}

/** bizcontent for erp.sales.get without the paging keys; empty filters are left out (the gateway ignores nothing wrongly). */
function buildSalesChannelQuery(filters: SalesChannelFilters): Record<string, string | number> {
	const query: Record<string, string | number> = {};
	for (const [key, raw] of Object.entries(filters)) {
		if (raw === undefined || raw === null || raw === '') continue;
		query[key] = typeof raw === 'string' ? raw.trim() : raw;
	}
	return query;
}

/** All (or `limit`) sales channels matching `filters`; `pageSize` was checked by the node (salesChannelPageSizeRule). */
export async function fetchSalesChannels(
	client: JikeyunClient,
	filters: SalesChannelFilters,
	options: { pageSize: number; limit?: number; shouldStop?: () => boolean },
): Promise<FetchListResult> {
	return await fetchJikeyunList(client, {
		method: SALES_CHANNEL_METHOD,
		query: buildSalesChannelQuery(filters),
		pageSize: options.pageSize,
		limit: options.limit,
		listPath: SALES_CHANNEL_LIST_KEY,
		idPath: SALES_CHANNEL_ID_PATH,
		shouldStop: options.shouldStop,
	});
}
