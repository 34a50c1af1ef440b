export interface PageRequest {
	/** The page number to send (already offset by the API's start index). */
	pageIndex: number;
	pageSize: number;
}

export interface PaginateOptions<T> {
	fetchPage: (request: PageRequest) => Promise<T[]>;
	pageSize: number;
	/** 0 for erp.* methods, 1 for e.g. wms.order.query-info.page. */
	startIndex?: number;
	/** Stop once this many records were collected (undefined = all). */
	limit?: number;
	/** Hard cap on requests, so an API that ignores the page parameter cannot loop forever. */
	maxPages?: number;
}

export type PageStopReason = 'shortPage' | 'emptyPage' | 'repeatedPage' | 'limit' | 'maxPages';

export interface PaginationResult<T> {
	records: T[];
	pages: number;
	stopReason: PageStopReason;
}

export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Pages through a list API without a total count. Stops on a page shorter than pageSize, an empty
 * page, a page identical to the previous one (an API that silently ignores the paging key), the
 * limit, or maxPages. Never requests more rows than the limit needs.
 */
export async function* iteratePages<T>(options: PaginateOptions<T>): AsyncGenerator<T[], PageStopReason> {
	const startIndex = options.startIndex ?? 0;
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	let remaining = options.limit ?? Infinity;
	let previousFingerprint: string | undefined;
	for (let page = 0; ; page++) {
		if (remaining <= 0) return 'limit';
		if (page >= maxPages) return 'maxPages';
		const records = await options.fetchPage({ pageIndex: startIndex + page, pageSize: options.pageSize });
		if (records.length === 0) return 'emptyPage';
		// A list API that ignores the paging key repeats the page: same length, same first and last record.
		// (Serialising whole pages cost more CPU than anything else in Get Many.)
		const fingerprint = `${records.length}:${JSON.stringify(records[0])}:${JSON.stringify(records[records.length - 1])}`;
		if (fingerprint === previousFingerprint) return 'repeatedPage';
		previousFingerprint = fingerprint;
		const taken = records.length > remaining ? records.slice(0, remaining) : records;
		remaining -= taken.length;
		yield taken;
		if (records.length < options.pageSize) return 'shortPage';
	}
}

/** Collects every page of `iteratePages` into one array. */
export async function collectPages<T>(options: PaginateOptions<T>): Promise<PaginationResult<T>> {
	const records: T[] = [];
	let pages = 0;
	const iterator = iteratePages(options);
	for (;;) {
		const next = await iterator.next();
		if (next.done) return { records, pages, stopReason: next.value };
		pages++;
		records.push(...next.value);
	}
}

/**
 * Why a paged read could not be trusted:
 * - pageTooLarge: a page held more records than asked for (the page-size key was ignored);
 * - repeatedPage: a page repeated the one before it (the page-index key was ignored, or page numbers
 *   start one higher than configured: the first page equals the second);
 * - firstPageIndex: the page before the configured first one holds other records (pages start lower);
 * - tooManyPages: more pages than `maxPages`;
 * - keptChanging: consecutive reads of the list never agreed;
 * - missingCursor: a cursor-paged answer held records but no cursor to continue with.
 */
export type PagingProblem =
	| 'pageTooLarge'
	| 'repeatedPage'
	| 'firstPageIndex'
	| 'tooManyPages'
	| 'keptChanging'
	| 'missingCursor';

/** A paged read that would have returned an incomplete or wrong list; the caller names the settings to fix. */
export class PagingError extends Error {
	constructor(
		readonly problem: PagingProblem,
		message: string,
		/** The page (as sent, start index applied) where it was seen. */
		readonly pageIndex?: number,
	) {
		super(message);
		this.name = 'PagingError';
	}
}

export interface CompleteReadOptions<T> {
	fetchPage: (request: PageRequest) => Promise<T[]>;
	/** Identity of a record, compared between reads (an id, or the record's JSON when it has none). */
	keyOf: (record: T) => string;
	pageSize: number;
	/** 0 for erp.* methods, 1 for e.g. wms.order.query-info.page. */
	startIndex?: number;
	/** Stop once this many records were collected (undefined = all); only the pages read are confirmed. */
	limit?: number;
	maxPages?: number;
	/** Reads in total, the first included, before giving up on a list that keeps changing. */
	maxPasses?: number;
	/** Pages of a confirmation read requested at the same time. */
	concurrency?: number;
	/** Checked before each page of the first read; true ends the read early with `complete: false`. */
	shouldStop?: () => boolean;
}

export interface CompleteReadResult<T> {
	records: T[];
	/** Page requests made, confirmation reads and checks included. */
	requests: number;
	/** Reads of the list (1 when it fit on one page). */
	passes: number;
	/** False when `shouldStop` ended the first read early. */
	complete: boolean;
}

export const DEFAULT_MAX_PASSES = 5;
export const DEFAULT_CONFIRM_CONCURRENCY = 3;

function sameKeys(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((key, i) => key === b[i]);
}

/**
 * Reads an offset-paged list without a total count or a documented order (docs/jikeyun-open-api.md#paging,
 * docs/jikeyun-open-api.md#sales-channel-records) so that every record present for the whole read is returned,
 * even when records are added, removed or reordered between page requests (offsets then shift and a record can
 * fall between two pages). A list that fits on one page is one request, atomic by nature. Otherwise the pages are
 * read again (a few at a time) and the key sequences compared; the read is repeated until two consecutive reads
 * agree, and the agreeing read is returned (latest content; records that vanished during the read are not). Cost
 * when nothing changes: one extra read of the same pages. After `maxPasses` reads without agreement it throws
 * rather than return a list that may have a gap. Paging settings that cannot be right (a page larger than asked
 * for, a repeated page, a lower page that holds other records) throw a PagingError instead of returning partial
 * data.
 */
export async function readCompleteList<T>(options: CompleteReadOptions<T>): Promise<CompleteReadResult<T>> {
	const startIndex = options.startIndex ?? 0;
	const pageSize = options.pageSize;
	const limit = options.limit ?? Infinity;
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const maxPasses = Math.max(2, options.maxPasses ?? DEFAULT_MAX_PASSES);
	const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONFIRM_CONCURRENCY);
	let requests = 0;

	const fetchPage = async (page: number): Promise<T[]> => {
		requests++;
		const records = await options.fetchPage({ pageIndex: startIndex + page, pageSize });
		if (records.length > pageSize) {
			throw new PagingError(
				'pageTooLarge',
				`page ${startIndex + page} returned ${records.length} records although ${pageSize} were asked for`,
				startIndex + page,
			);
		}
		return records;
	};
	const keysOf = (pages: T[][]): string[] => pages.flat().map((record) => options.keyOf(record));
	const pageKeys = (records: T[]): string[] => records.map((record) => options.keyOf(record));
	const enough = (pages: T[][]): boolean => pages.reduce((sum, page) => sum + page.length, 0) >= limit;
	const isLast = (records: T[]): boolean => records.length < pageSize;

	// First read, page by page.
	const first: T[][] = [];
	let restarts = 0;
	for (let page = 0; ; page++) {
		if (enough(first)) break;
		if (page >= maxPages) {
			throw new PagingError('tooManyPages', `the list did not end within ${maxPages} pages`, startIndex + page);
		}
		if (options.shouldStop?.()) {
			return { records: first.flat(), requests, passes: 1, complete: false };
		}
		const records = await fetchPage(page);
		const previous = first[page - 1];
		if (previous && records.length > 0 && sameKeys(pageKeys(records), pageKeys(previous))) {
			// Rule out a shift by exactly one page: read both again; settings repeat, changes do not.
			const [before, again] = [await fetchPage(page - 1), await fetchPage(page)];
			if (sameKeys(pageKeys(before), pageKeys(previous)) && sameKeys(pageKeys(again), pageKeys(previous))) {
				throw new PagingError(
					'repeatedPage',
					`page ${startIndex + page} returned the same records as page ${startIndex + page - 1}`,
					startIndex + page,
				);
			}
			if (++restarts >= maxPasses) {
				throw new PagingError(
					'keptChanging',
					`the list kept changing while being read: ${maxPasses} reads never agreed`,
				);
			}
			first.length = 0;
			page = -1;
			continue;
		}
		first.push(records);
		if (page === 0 && startIndex > 0 && records.length > 0) await checkNoLowerPage(records);
		if (isLast(records)) break;
	}

	async function checkNoLowerPage(firstPage: T[]): Promise<void> {
		requests++;
		let lower: T[];
		try {
			lower = await options.fetchPage({ pageIndex: startIndex - 1, pageSize });
		} catch {
			// A method whose pages really start at startIndex may reject the lower index; nothing to learn.
			return;
		}
		if (lower.length > 0 && !sameKeys(pageKeys(lower), pageKeys(firstPage))) {
			throw new PagingError(
				'firstPageIndex',
				`page ${startIndex - 1} holds records that page ${startIndex} does not: the pages start at ${startIndex - 1}`,
				startIndex - 1,
			);
		}
	}

	const finish = (pages: T[][], passes: number): CompleteReadResult<T> => {
		const records = pages.flat();
		return { records: records.length > limit ? records.slice(0, limit) : records, requests, passes, complete: true };
	};
	if (first.length <= 1) return finish(first, 1);

	/** Re-reads `count` pages concurrently, then (without a limit) goes on while the last page is full. */
	const confirmationRead = async (count: number): Promise<T[][]> => {
		const pages: T[][] = new Array<T[]>(count);
		let next = 0;
		const worker = async () => {
			while (next < count) {
				const page = next++;
				pages[page] = await fetchPage(page);
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
		const end = pages.findIndex(isLast);
		if (end >= 0) return pages.slice(0, end + 1);
		if (limit !== Infinity) return pages;
		for (let page = count; !isLast(pages[page - 1]); page++) {
			if (page >= maxPages) {
				throw new PagingError('tooManyPages', `the list did not end within ${maxPages} pages`, startIndex + page);
			}
			pages.push(await fetchPage(page));
		}
		return pages;
	};

	let previous = first;
	for (let passes = 2; passes <= maxPasses; passes++) {
		const current = await confirmationRead(previous.length);
		if (sameKeys(keysOf(current), keysOf(previous))) return finish(current, passes);
		previous = current;
	}
	throw new PagingError('keptChanging', `the list kept changing while being read: ${maxPasses} reads never agreed`);
}

/** One page of a cursor-paged list: its records and the cursor that asks for the next page. */
export interface CursorPage<T> {
	records: T[];
	/** Missing or empty: the answer named no next page. */
	nextCursor?: string;
}

export interface CursorReadOptions<T> {
	/** `page` counts from 0 within one read; `cursor` is `firstCursor` for page 0. */
	fetchPage: (cursor: string, page: number) => Promise<CursorPage<T>>;
	/** Sent with the first page (`""` for Jikeyun's scrollId, docs/jikeyun-open-api.md#sales-order-paging). */
	firstCursor?: string;
	/** Identity of a record within one read and between reads (order number + modified time for orders). */
	keyOf: (record: T) => string;
	limit?: number;
	maxPages?: number;
	/** Reads in total, the first included, before giving up on a list that keeps changing. */
	maxPasses?: number;
	/** Checked before each page of the first read; true ends the read early with `complete: false`. */
	shouldStop?: () => boolean;
	/**
	 * Proves a finished multi-page read complete without reading it again (orders: the match count before and after
	 * the read equals the records returned, docs/jikeyun-open-api.md#complete-order-reads). False: read again.
	 */
	proveComplete?: (records: T[]) => Promise<boolean>;
}

function keySet(keys: string[]): string {
	return [...keys].sort().join('\n');
}

/**
 * Reads a cursor-paged list (docs/jikeyun-open-api.md#complete-order-reads): the first request sends `firstCursor`,
 * each answer's cursor asks for the next page, and the read ends at an empty page (the end public clients rely on). A
 * record seen twice in one read counts once (the later copy wins). A read of one page is one answer, complete by
 * nature; a longer one is complete when `proveComplete` says so, or when the next read returns the same keys;
 * after `maxPasses` reads without either it throws `keptChanging` rather than return a list that may have a gap. An
 * answer with records but no cursor, or a page that repeats the previous one (the cursor was ignored), throws.
 */
export async function readCompleteCursorList<T>(options: CursorReadOptions<T>): Promise<CompleteReadResult<T>> {
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const maxPasses = Math.max(2, options.maxPasses ?? DEFAULT_MAX_PASSES);
	const limit = options.limit ?? Infinity;
	let requests = 0;

	/** One read; `undefined` when shouldStop ended it. */
	const readOnce = async (first: boolean): Promise<{ records: T[]; pages: number } | undefined> => {
		const byKey = new Map<string, T>();
		let cursor = options.firstCursor ?? '';
		let previousKeys: string | undefined;
		for (let page = 0; ; page++) {
			if (byKey.size >= limit) return { records: [...byKey.values()].slice(0, limit), pages: page };
			if (page >= maxPages) throw new PagingError('tooManyPages', `the list did not end within ${maxPages} pages`);
			if (first && options.shouldStop?.()) return undefined;
			requests++;
			const answer = await options.fetchPage(cursor, page);
			if (answer.records.length === 0) return { records: [...byKey.values()], pages: page };
			const keys = answer.records.map((record) => options.keyOf(record));
			const pageKeys = keys.join('\n');
			if (pageKeys === previousKeys) {
				throw new PagingError('repeatedPage', `page ${page} returned the same records as page ${page - 1}`, page);
			}
			previousKeys = pageKeys;
			answer.records.forEach((record, i) => {
				byKey.delete(keys[i]);
				byKey.set(keys[i], record);
			});
			if (!answer.nextCursor) {
				throw new PagingError('missingCursor', `page ${page} held records but no cursor for the next page`, page);
			}
			cursor = answer.nextCursor;
		}
	};

	const first = await readOnce(true);
	if (!first) return { records: [], requests, passes: 1, complete: false };
	const done = (records: T[], passes: number): CompleteReadResult<T> => ({ records, requests, passes, complete: true });
	if (first.pages <= 1 || limit !== Infinity) return done(first.records, 1);
	if (await options.proveComplete?.(first.records)) return done(first.records, 1);
	let previous = first.records;
	for (let passes = 2; passes <= maxPasses; passes++) {
		const current = (await readOnce(false)) as { records: T[] };
		const agree = keySet(current.records.map(options.keyOf)) === keySet(previous.map(options.keyOf));
		if (agree || (await options.proveComplete?.(current.records))) return done(current.records, passes);
		previous = current.records;
	}
	throw new PagingError('keptChanging', `the list kept changing while being read: ${maxPasses} reads never agreed`);
}
