import { contentHash } from '../../common/contentHash';
import type { JikeyunClient } from './client';
import { readPath } from './listMethod';
import { fetchSalesOrders, MAX_SALES_ORDER_RANGE_MS } from './salesOrders';
import { formatBeijingTime, parseBeijingTime } from './timestamp';

/**
 * The trigger's *Sales Order Changed* event (docs/jikeyun-open-api.md#sales-order-changed): windows on gmtModified
 * from the watermark minus the overlap to now, each order change emitted once (order number + content hash).
 */
export interface SalesOrderSyncState {
	version: 1;
	/** End of the last window read completely (ms). Only moves forward, and only after a complete read. */
	watermarkMs: number;
	/** Human-readable copy of the watermark. */
	watermark?: string;
	/** tradeNo → [content hash of the version last emitted, its gmtModified (ms)]. */
	seen: Record<string, [string, number]>;
}

export function readSalesOrderSyncState(raw: unknown): SalesOrderSyncState | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const state = raw as Partial<SalesOrderSyncState>;
	if (state.version !== 1 || typeof state.watermarkMs !== 'number' || !state.seen || typeof state.seen !== 'object') {
		return undefined;
	}
	return { version: 1, watermarkMs: state.watermarkMs, seen: { ...state.seen } };
}

export interface SalesOrderPollSettings {
	nowMs: number;
	/** Read again before the watermark: covers changes that become visible late (default 5 min ≥ the 2 min seen). */
	overlapMs: number;
	/** First poll: start this long before now. */
	lookbackMs: number;
	maxWindowMs: number;
	pageSize: number;
	/** bizcontent without the range: `fields` and filters. */
	query: Record<string, unknown>;
	shouldStop?: () => boolean;
}

function modifiedMsOf(order: unknown): number {
	const text = readPath(order, 'gmtModified');
	return (typeof text === 'string' ? parseBeijingTime(text)?.getTime() : undefined) ?? 0;
}

/**
 * Reads [watermark − overlap, now] (first poll: [now − look-back, now]) and returns the orders whose content differs
 * from the version last emitted, with the next state. A read that cannot be proven complete throws (the caller keeps
 * the old state); one stopped by the poll budget moves the watermark only to the last complete window.
 */
export async function pollSalesOrderChanges(
	client: JikeyunClient,
	previous: SalesOrderSyncState | undefined,
	settings: SalesOrderPollSettings,
): Promise<{ emitted: unknown[]; next: SalesOrderSyncState }> {
	const fromMs = previous ? previous.watermarkMs - settings.overlapMs : settings.nowMs - settings.lookbackMs;
	const read = await fetchSalesOrders(
		client,
		{ timeField: 'modified', fromMs, toMs: settings.nowMs, query: settings.query },
		{
			pageSize: settings.pageSize,
			shouldStop: settings.shouldStop,
			maxSpanMs: Math.min(settings.maxWindowMs, MAX_SALES_ORDER_RANGE_MS),
		},
	);
	const seen = { ...(previous?.seen ?? {}) };
	const emitted: unknown[] = [];
	for (const order of read.records) {
		const tradeNo = String(readPath(order, 'tradeNo') ?? '');
		const hash = contentHash(order);
		if (seen[tradeNo]?.[0] === hash) continue;
		emitted.push(order);
		seen[tradeNo] = [hash, modifiedMsOf(order)];
	}
	const watermarkMs = Math.max(previous?.watermarkMs ?? fromMs, read.completeUntilMs ?? fromMs);
	// An order last modified before the next window's start is read again only after a new change (a new hash).
	const keepSinceMs = watermarkMs - settings.overlapMs;
	for (const [tradeNo, [, modifiedMs]] of Object.entries(seen)) {
		if (modifiedMs < keepSinceMs) delete seen[tradeNo];
	}
	const watermark = `${formatBeijingTime(new Date(watermarkMs))} +08:00`;
	return { emitted, next: { version: 1, watermarkMs, watermark, seen } };
}
