import {
	DEFAULT_FULL_REEMIT_HOURS,
	isFullReEmitDue,
	keyRecords,
	pruneSeen,
	readIncrementalState,
	seenFromScan,
	selectChanged,
	splitWindow,
} from '../../nodes/Jikeyun/protocol/incrementalSync';

describe('incremental sync state', () => {
	it('splits a long window into spans no longer than the maximum', () => {
		const hour = 3_600_000;
		expect(splitWindow(0, 50 * hour, 24 * hour)).toEqual([
			{ startMs: 0, endMs: 24 * hour },
			{ startMs: 24 * hour, endMs: 48 * hour },
			{ startMs: 48 * hour, endMs: 50 * hour },
		]);
		expect(splitWindow(0, hour, 24 * hour)).toEqual([{ startMs: 0, endMs: hour }]);
	});

	it('emits a record only when it is new or its content changed', () => {
		const idOf = (record: { id: string }) => record.id;
		const first = keyRecords(
			[
				{ id: '1', name: 'a' },
				{ id: '2', name: 'b' },
			],
			idOf,
		);
		const seen = seenFromScan(first, 1000);
		const second = keyRecords(
			[
				{ id: '1', name: 'a' },
				{ id: '2', name: 'B' },
				{ id: '3', name: 'c' },
			],
			idOf,
		);
		const { changed, seen: next } = selectChanged(second, seen, 2000);
		expect(changed).toEqual([
			{ id: '2', name: 'B' },
			{ id: '3', name: 'c' },
		]);
		expect(Object.keys(next).sort()).toEqual(['1', '2', '3']);
		expect(selectChanged(second, next, 3000).changed).toEqual([]);
	});

	it('keeps only the last version of a record fetched twice in one poll', () => {
		const keyed = keyRecords(
			[
				{ id: '1', v: 1 },
				{ id: '1', v: 2 },
			],
			(record) => record.id,
		);
		expect(keyed.map((entry) => entry.record)).toEqual([{ id: '1', v: 2 }]);
	});

	it('prunes entries that no future window can contain', () => {
		const pruned = pruneSeen({ old: ['h', 100], recent: ['h', 500] }, 300);
		expect(pruned).toEqual({ recent: ['h', 500] });
	});

	it('ignores static data of another shape', () => {
		expect(readIncrementalState(undefined)).toBeUndefined();
		expect(readIncrementalState({ version: 2, seen: {} })).toBeUndefined();
		expect(readIncrementalState({ version: 1, seen: { a: ['h', 1] }, watermarkMs: 5 })).toMatchObject({
			watermarkMs: 5,
		});
	});
});

describe('full re-emit schedule', () => {
	const minute = 60_000;
	const lastFullEmitMs = 1_700_000_000_000;
	const after = (minutes: number) => lastFullEmitMs + minutes * minute;

	it('is due hourly by default: 61 minutes after the last full emit, not 59', () => {
		expect(DEFAULT_FULL_REEMIT_HOURS).toBe(1);
		expect(isFullReEmitDue(lastFullEmitMs, after(59), DEFAULT_FULL_REEMIT_HOURS)).toBe(false);
		expect(isFullReEmitDue(lastFullEmitMs, after(60), DEFAULT_FULL_REEMIT_HOURS)).toBe(true);
		expect(isFullReEmitDue(lastFullEmitMs, after(61), DEFAULT_FULL_REEMIT_HOURS)).toBe(true);
	});

	it('takes fractional hours', () => {
		expect(isFullReEmitDue(lastFullEmitMs, after(29), 0.5)).toBe(false);
		expect(isFullReEmitDue(lastFullEmitMs, after(31), 0.5)).toBe(true);
		expect(isFullReEmitDue(lastFullEmitMs, after(23 * 60), 24)).toBe(false);
	});

	it('is never due with a period of 0 (or a negative or missing number)', () => {
		for (const hours of [0, -1, Number.NaN]) {
			expect(isFullReEmitDue(lastFullEmitMs, after(365 * 24 * 60), hours)).toBe(false);
			expect(isFullReEmitDue(undefined, after(1), hours)).toBe(false);
		}
	});

	it('is due at once when no full emit was ever recorded', () => {
		expect(isFullReEmitDue(undefined, lastFullEmitMs, DEFAULT_FULL_REEMIT_HOURS)).toBe(true);
	});
});
