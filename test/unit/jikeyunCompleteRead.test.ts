import { sleep } from 'n8n-workflow';
import { collectPages, PagingError, readCompleteList, type PageRequest } from '../../nodes/common/paginate';

/**
 * readCompleteList (nodes/common/paginate.ts) against a scripted, 0-based offset-paged list that is
 * changed between page requests, like the gateway's erp.sales.get (no total, offsets = index × size).
 */
interface Row {
	id: string;
	v?: number;
}

function scriptedList(initial: number, changes: Record<number, (rows: Row[]) => void> = {}) {
	const rows: Row[] = Array.from({ length: initial }, (_, i) => ({ id: `r${String(i).padStart(3, '0')}` }));
	const requested: number[] = [];
	let call = 0;
	const fetchPage = async ({ pageIndex, pageSize }: PageRequest): Promise<Row[]> => {
		// The change scripted for call N happens just before call N is answered.
		changes[call]?.(rows);
		call++;
		requested.push(pageIndex);
		await Promise.resolve();
		return rows.slice(pageIndex * pageSize, pageIndex * pageSize + pageSize).map((row) => ({ ...row }));
	};
	return { rows, requested, fetchPage };
}

const keyOf = (row: Row) => row.id;
const ids = (rows: Row[]) => rows.map((row) => row.id);
let added = 0;
const newRow = (): Row => ({ id: `new${added++}` });

describe('readCompleteList: every record present for the whole read', () => {
	it('costs one extra read of the same pages when nothing changes', async () => {
		const list = scriptedList(25);
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		expect(ids(result.records)).toEqual(ids(list.rows));
		expect(result).toMatchObject({ passes: 2, requests: 6, complete: true });
		expect(list.requested.sort()).toEqual([0, 0, 1, 1, 2, 2]);
	});

	it('a list that fits on one page is one request (a single answer cannot drift)', async () => {
		const list = scriptedList(7);
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		expect(result).toMatchObject({ passes: 1, requests: 1 });
		expect(result.records).toHaveLength(7);
	});

	it('an exact multiple of the page size ends on the empty page, confirmed with the same pages', async () => {
		const list = scriptedList(20);
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		expect(result.records).toHaveLength(20);
		expect(result.requests).toBe(6);
	});

	it.each([
		['removed before the read position, between page 0 and page 1', 1, (rows: Row[]) => rows.splice(2, 1), 3],
		['removed at the page boundary (last record of page 0)', 1, (rows: Row[]) => rows.splice(9, 1), 3],
		['three removed at the start before page 2', 2, (rows: Row[]) => rows.splice(0, 3), 3],
		// Before the last page is read: the first read already sees the final list, one confirmation.
		['removed on the last page', 2, (rows: Row[]) => rows.splice(22, 1), 2],
	] as const)('a record %s: nothing that stayed is lost', async (_label, atCall, change, passes) => {
		const list = scriptedList(25, { [atCall]: change });
		const before = ids(list.rows);
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		const stayed = before.filter((id) => list.rows.some((row) => row.id === id));
		expect(ids(result.records)).toEqual(ids(list.rows));
		expect(ids(result.records)).toEqual(expect.arrayContaining(stayed));
		expect(result.passes).toBe(passes);
	});

	it('(contrast) the plain pager loses a record that was there all along when one before it is removed', async () => {
		const list = scriptedList(25, { 1: (rows) => rows.splice(2, 1) });
		const naive = await collectPages({ fetchPage: list.fetchPage, pageSize: 10 });
		expect(naive.records).toHaveLength(24);
		expect(ids(naive.records)).not.toContain('r010');
	});

	it.each([
		['one record added at the start before page 1', 1, 1],
		['a whole page of records added at the start before page 1 (the next page repeats the first)', 1, 10],
		['records added at the start before page 2', 2, 4],
	])('%s: every record once, the new ones included', async (_label, atCall, count) => {
		const list = scriptedList(25, { [atCall]: (rows) => rows.unshift(...Array.from({ length: count }, newRow)) });
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		expect(ids(result.records)).toEqual(ids(list.rows));
		expect(new Set(ids(result.records)).size).toBe(result.records.length);
	});

	it('records appended at the end during the read, making the last page full, are read on', async () => {
		const list = scriptedList(25, {
			2: (rows) => rows.push(newRow(), newRow(), newRow(), newRow(), newRow(), newRow()),
		});
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		expect(ids(result.records)).toEqual(ids(list.rows));
		expect(result.records).toHaveLength(31);
	});

	it('returns the latest content of a record changed during the read', async () => {
		const list = scriptedList(25, { 1: (rows) => (rows[3].v = 2) });
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10 });
		expect(result.records[3]).toEqual({ id: 'r003', v: 2 });
		// Content changes do not move offsets: still one confirmation read.
		expect(result.passes).toBe(2);
	});

	it('fails loudly when the list changes on every read', async () => {
		const changes: Record<number, (rows: Row[]) => void> = {};
		for (let call = 1; call < 200; call++) changes[call] = (rows) => rows.unshift(newRow());
		const list = scriptedList(25, changes);
		const failure = readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10, maxPasses: 4 });
		await expect(failure).rejects.toThrow(PagingError);
		await expect(
			readCompleteList({ fetchPage: scriptedList(25, changes).fetchPage, keyOf, pageSize: 10, maxPasses: 4 }),
		).rejects.toMatchObject({
			problem: 'keptChanging',
			message: expect.stringContaining('kept changing while being read'),
		});
	});

	it('with a limit, reads and confirms only the pages the limit needs', async () => {
		const list = scriptedList(100, { 1: (rows) => rows.splice(0, 2) });
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10, limit: 25 });
		expect(ids(result.records)).toEqual(ids(list.rows).slice(0, 25));
		expect(Math.max(...list.requested)).toBe(2);
	});

	it('a limit within the first page is one request', async () => {
		const list = scriptedList(100);
		const result = await readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10, limit: 4 });
		expect(result.records).toHaveLength(4);
		expect(result.requests).toBe(1);
	});

	it('confirmation pages are fetched concurrently, at most `concurrency` at a time', async () => {
		const rows = Array.from({ length: 95 }, (_, i) => ({ id: String(i) }));
		let inFlight = 0;
		let peak = 0;
		let calls = 0;
		const result = await readCompleteList({
			keyOf,
			pageSize: 10,
			concurrency: 3,
			fetchPage: async ({ pageIndex, pageSize }) => {
				calls++;
				inFlight++;
				peak = Math.max(peak, inFlight);
				await sleep(2);
				inFlight--;
				return rows.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize);
			},
		});
		expect(result.records).toHaveLength(95);
		expect(calls).toBe(20);
		expect(peak).toBe(3);
	});

	it('a poll budget (shouldStop) ends the first read early and says it is incomplete', async () => {
		const list = scriptedList(50);
		let pages = 0;
		const result = await readCompleteList({
			fetchPage: list.fetchPage,
			keyOf,
			pageSize: 10,
			shouldStop: () => pages++ >= 2,
		});
		expect(result).toMatchObject({ complete: false });
		expect(result.records).toHaveLength(20);
	});
});

describe('readCompleteList: paging settings that cannot be right fail loudly', () => {
	it('a page-index key the method ignores (every page the same) → repeatedPage', async () => {
		const rows = Array.from({ length: 10 }, (_, i) => ({ id: String(i) }));
		await expect(readCompleteList({ fetchPage: async () => rows, keyOf, pageSize: 10 })).rejects.toMatchObject({
			problem: 'repeatedPage',
			pageIndex: 1,
		});
	});

	it('first page index 0 on a 1-based method (page 0 answered like page 1) → repeatedPage', async () => {
		const rows = Array.from({ length: 28 }, (_, i) => ({ id: String(i) }));
		const oneBased = async ({ pageIndex, pageSize }: PageRequest) => {
			const index = Math.max(pageIndex, 1) - 1;
			return rows.slice(index * pageSize, (index + 1) * pageSize);
		};
		await expect(readCompleteList({ fetchPage: oneBased, keyOf, pageSize: 10 })).rejects.toMatchObject({
			problem: 'repeatedPage',
		});
		// Configured right, the same method reads completely.
		const result = await readCompleteList({ fetchPage: oneBased, keyOf, pageSize: 10, startIndex: 1 });
		expect(result.records).toHaveLength(28);
	});

	it('first page index 1 on a 0-based method (page 0 holds other records) → firstPageIndex', async () => {
		const list = scriptedList(28);
		await expect(
			readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10, startIndex: 1 }),
		).rejects.toMatchObject({
			problem: 'firstPageIndex',
			pageIndex: 0,
		});
	});

	it('a lower page that the method rejects is no evidence (the read goes on)', async () => {
		const rows = Array.from({ length: 5 }, (_, i) => ({ id: String(i) }));
		const result = await readCompleteList({
			keyOf,
			pageSize: 10,
			startIndex: 1,
			fetchPage: async ({ pageIndex }) => {
				if (pageIndex < 1) throw new Error('pageIndex must be at least 1');
				return pageIndex === 1 ? rows : [];
			},
		});
		expect(result.records).toHaveLength(5);
	});

	it('a page larger than the page size (the page-size key was ignored) → pageTooLarge', async () => {
		const list = scriptedList(120);
		await expect(
			readCompleteList({
				fetchPage: async ({ pageIndex }) => list.fetchPage({ pageIndex, pageSize: 50 }),
				keyOf,
				pageSize: 20,
			}),
		).rejects.toMatchObject({
			problem: 'pageTooLarge',
			pageIndex: 0,
			message: expect.stringContaining('50 records although 20'),
		});
	});

	it('more pages than maxPages → tooManyPages, never a silently cut list', async () => {
		const list = scriptedList(100);
		await expect(
			readCompleteList({ fetchPage: list.fetchPage, keyOf, pageSize: 10, maxPages: 3 }),
		).rejects.toMatchObject({
			problem: 'tooManyPages',
		});
	});
});
