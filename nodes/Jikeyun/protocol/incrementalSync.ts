import { contentHash } from '../../common/contentHash';

/**
 * The trigger's memory, kept in workflow static data. n8n saves it as soon as a poll returns items, so it
 * is written only after every request of the poll succeeded.
 */
export interface IncrementalState {
	version: 1;
	/** End of the last window fetched completely (ms since epoch). Only ever moves forward. */
	watermarkMs?: number;
	/** Human-readable copy of the watermark, for people inspecting static data. */
	watermark?: string;
	/** Record id → [content hash, time it was last seen (ms)]. */
	seen: Record<string, [string, number]>;
	/** Last time every record was emitted regardless of change (ms). */
	lastFullEmitMs?: number;
}

export function readIncrementalState(raw: unknown): IncrementalState | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const state = raw as Partial<IncrementalState>;
	if (state.version !== 1 || !state.seen || typeof state.seen !== 'object') return undefined;
	return {
		version: 1,
		watermarkMs: typeof state.watermarkMs === 'number' ? state.watermarkMs : undefined,
		watermark: state.watermark,
		seen: { ...state.seen },
		lastFullEmitMs: typeof state.lastFullEmitMs === 'number' ? state.lastFullEmitMs : undefined,
	};
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Default period of the trigger's full re-emit. A re-emit retries every downstream write that failed
 * since the last one, so this bounds how long a failed write stays missing after the fault clears;
 * with Kingdee Batch Save's Skip Unchanged an unchanged record costs no write (only its share of one
 * lookup query per 1,000 records), so an hourly re-emit is cheap.
 */
export const DEFAULT_FULL_REEMIT_HOURS = 1;

/**
 * Whether this poll re-emits every record: `periodHours` (fractions allowed; 0, less or not a number =
 * never) have passed since the last full emit. A state that never had one is due at once.
 */
export function isFullReEmitDue(lastFullEmitMs: number | undefined, nowMs: number, periodHours: number): boolean {
	if (!(periodHours > 0)) return false;
	return nowMs - (lastFullEmitMs ?? 0) >= periodHours * HOUR_MS;
}

export interface TimeWindow {
	startMs: number;
	endMs: number;
}

/** Splits [startMs, endMs] into consecutive windows no longer than maxWindowMs (the API's maximum span). */
export function splitWindow(startMs: number, endMs: number, maxWindowMs: number): TimeWindow[] {
	if (endMs <= startMs) return [{ startMs: endMs, endMs }];
	const size = maxWindowMs > 0 ? maxWindowMs : endMs - startMs;
	const windows: TimeWindow[] = [];
	for (let start = startMs; start < endMs; start += size) {
		windows.push({ startMs: start, endMs: Math.min(endMs, start + size) });
	}
	return windows;
}

export interface KeyedRecord<T> {
	id: string;
	hash: string;
	record: T;
}

/** Ids and content hashes; a later duplicate of an id within one fetch replaces the earlier one. */
export function keyRecords<T>(records: T[], idOf: (record: T) => string | undefined): Array<KeyedRecord<T>> {
	const byId = new Map<string, KeyedRecord<T>>();
	for (const record of records) {
		const hash = contentHash(record);
		// A record without an id is identified by its content: it is emitted once per distinct content.
		const id = idOf(record) ?? `#${hash}`;
		byId.delete(id);
		byId.set(id, { id, hash, record });
	}
	return [...byId.values()];
}

/**
 * The records that are new or whose content changed since they were last seen, plus the updated
 * seen-map (every fetched record is marked as seen now).
 */
export function selectChanged<T>(
	keyed: Array<KeyedRecord<T>>,
	seen: IncrementalState['seen'],
	nowMs: number,
): { changed: T[]; seen: IncrementalState['seen'] } {
	const nextSeen = { ...seen };
	const changed: T[] = [];
	for (const { id, hash, record } of keyed) {
		if (seen[id]?.[0] !== hash) changed.push(record);
		nextSeen[id] = [hash, nowMs];
	}
	return { changed, seen: nextSeen };
}

/** The seen-map of a complete scan: exactly the records fetched now. */
export function seenFromScan<T>(keyed: Array<KeyedRecord<T>>, nowMs: number): IncrementalState['seen'] {
	const seen: IncrementalState['seen'] = {};
	for (const { id, hash } of keyed) seen[id] = [hash, nowMs];
	return seen;
}

/**
 * Drops seen entries that can no longer show up in a future window: a record last seen before
 * `watermark − overlap` is outside every window still to come unless it is modified again, and then
 * it must be emitted anyway.
 */
export function pruneSeen(seen: IncrementalState['seen'], keepSinceMs: number): IncrementalState['seen'] {
	const pruned: IncrementalState['seen'] = {};
	for (const [id, entry] of Object.entries(seen)) {
		if (entry[1] >= keepSinceMs) pruned[id] = entry;
	}
	return pruned;
}
