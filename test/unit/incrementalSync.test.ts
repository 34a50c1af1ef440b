import {
	keyRecords,
	pruneSeen,
	readIncrementalState,
	seenFromScan,
	selectChanged,
	splitWindow,
} from '../../nodes/Jikeyun/helpers/incrementalSync';

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
		const first = keyRecords([{ id: '1', name: 'a' }, { id: '2', name: 'b' }], idOf);
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
		expect(readIncrementalState({ version: 1, seen: { a: ['h', 1] }, watermarkMs: 5 })).toMatchObject({ watermarkMs: 5 });
	});
});
