import { PagingError, readCompleteCursorList, type CursorPage } from '../../nodes/common/paginate';
import { salesOrderFieldsText, splitInclusiveWindows } from '../../nodes/Jikeyun/protocol/salesOrders';

interface Row {
	no: string;
}

/** A server-side list read by an offset hidden in the cursor (a "live" cursor); `before(page)` may change the list. */
function liveCursor(list: Row[], pageSize: number, before: (page: number) => void = () => {}) {
	const calls: string[] = [];
	const fetchPage = async (cursor: string, page: number): Promise<CursorPage<Row>> => {
		calls.push(cursor);
		before(page);
		const offset = cursor === '' ? 0 : Number(cursor);
		const records = list.slice(offset, offset + pageSize);
		return { records, nextCursor: String(offset + records.length) };
	};
	return { fetchPage, calls };
}

const rows = (n: number, prefix = 'T') => Array.from({ length: n }, (_, i) => ({ no: `${prefix}${i}` }));
const keyOf = (row: Row) => row.no;

describe('readCompleteCursorList', () => {
	it('sends "" first, then each answer\'s cursor, and ends at an empty page', async () => {
		const { fetchPage, calls } = liveCursor(rows(25), 10);
		const read = await readCompleteCursorList({ fetchPage, keyOf, proveComplete: async () => true });
		expect(read.records.map(keyOf)).toEqual(rows(25).map(keyOf));
		expect(calls).toEqual(['', '10', '20', '25']);
		expect(read).toMatchObject({ passes: 1, complete: true, requests: 4 });
	});

	it('one page is complete by nature: no proof, no second read', async () => {
		const proveComplete = jest.fn(async () => false);
		const { fetchPage } = liveCursor(rows(7), 10);
		const read = await readCompleteCursorList({ fetchPage, keyOf, proveComplete });
		expect(read).toMatchObject({ passes: 1, requests: 2 });
		expect(proveComplete).not.toHaveBeenCalled();
	});

	it('without a proof a multi-page read is read again; a record skipped by a shift is found by the agreeing read', async () => {
		const list = rows(30);
		const { fetchPage } = liveCursor(list, 10, (page) => {
			// Only during the first read: the first record leaves the list after page 0, shifting the rest.
			if (page === 1 && list[0].no === 'T0') list.shift();
		});
		const read = await readCompleteCursorList({ fetchPage, keyOf, proveComplete: async () => false });
		expect(read.records.map(keyOf).sort()).toEqual(rows(30).slice(1).map(keyOf).sort());
		expect(read.passes).toBe(3);
	});

	it('a list that never stops changing fails instead of returning a gap', async () => {
		const list = rows(30);
		let added = 0;
		const { fetchPage } = liveCursor(list, 10, (page) => {
			if (page === 1) list.unshift({ no: `N${added++}` });
		});
		await expect(readCompleteCursorList({ fetchPage, keyOf, maxPasses: 3 })).rejects.toMatchObject({
			problem: 'keptChanging',
		});
	});

	it('records without a next cursor, or a repeated page (cursor ignored), fail with the problem named', async () => {
		const noCursor = async () => ({ records: rows(3) });
		await expect(readCompleteCursorList({ fetchPage: noCursor, keyOf })).rejects.toMatchObject({
			problem: 'missingCursor',
		});
		const ignored = async () => ({ records: rows(3), nextCursor: 'same' });
		const error = await readCompleteCursorList({ fetchPage: ignored, keyOf }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PagingError);
		expect(error).toMatchObject({ problem: 'repeatedPage' });
	});

	it('stops at the limit without reading further', async () => {
		const { fetchPage, calls } = liveCursor(rows(100), 10);
		const read = await readCompleteCursorList({ fetchPage, keyOf, limit: 15 });
		expect(read.records).toHaveLength(15);
		expect(calls).toHaveLength(2);
	});
});

describe('splitInclusiveWindows', () => {
	const DAY = 86_400_000;
	it('covers every second once: the next window starts one second after the previous end, each ≤ the span', () => {
		const from = Date.UTC(2024, 0, 1);
		const to = from + 20 * DAY;
		const windows = splitInclusiveWindows(from, to, 7 * DAY);
		expect(windows).toEqual([
			{ startMs: from, endMs: from + 7 * DAY },
			{ startMs: from + 7 * DAY + 1000, endMs: from + 14 * DAY + 1000 },
			{ startMs: from + 14 * DAY + 2000, endMs: to },
		]);
	});
	it('a range of one second is one window; an empty range none', () => {
		expect(splitInclusiveWindows(5000, 5000, DAY)).toEqual([{ startMs: 5000, endMs: 5000 }]);
		expect(splitInclusiveWindows(6000, 5000, DAY)).toEqual([]);
	});
});

describe('salesOrderFieldsText', () => {
	it('adds scrollId, tradeNo and gmtModified, trims and de-duplicates', () => {
		expect(salesOrderFieldsText(' goodsDetail.goodsNo ,tradeNo，consignTime\n')).toBe(
			'goodsDetail.goodsNo,tradeNo,consignTime,scrollId,gmtModified',
		);
	});
});
