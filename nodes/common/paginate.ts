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

type PageStopReason = 'shortPage' | 'emptyPage' | 'repeatedPage' | 'limit' | 'maxPages';

export interface PaginationResult<T> {
	records: T[];
	pages: number;
	stopReason: PageStopReason;
}

const DEFAULT_MAX_PAGES = 10_000;

/**
 * How one pass over a paged list ended: the reader said `last` or `again` (start the read over), it had `enough`,
 * `maxPages` pages were read, or `shouldStop` said to stop.
 */
type PassEnd = 'last' | 'again' | 'enough' | 'maxPages' | 'stopped';

/**
 * One pass over a paged list. The loop is the same for every reader in this file; what a page is (offset page,
 * cursor answer, Kingdee StartRow), how the next one is asked for and what a page must look like is the reader's.
 */
interface PagePass<P> {
	/** Requests the page `index` (counted from 0 within the read, or from `from`). */
	fetch: (index: number) => Promise<P>;
	/** Takes a page in (or throws a PagingError): `next` asks for the following page. */
	take: (page: P, index: number) => 'next' | 'last' | 'again' | Promise<'next' | 'last' | 'again'>;
	/** Checked before each request; true ends the pass with `enough`. */
	enough?: () => boolean;
	maxPages: number;
	/** Checked before each request after `enough` and `maxPages`; true ends the pass with `stopped`. */
	shouldStop?: () => boolean;
	from?: number;
}

/** The one page loop: requests page after page until the reader, the limit, the page cap or `shouldStop` ends it. */
async function readPages<P>(pass: PagePass<P>): Promise<PassEnd> {
	for (let index = pass.from ?? 0; ; index++) {
		if (pass.enough?.()) return 'enough';
		if (index >= pass.maxPages) return 'maxPages';
		if (pass.shouldStop?.()) return 'stopped';
		const verdict = await pass.take(await pass.fetch(index), index);
		if (verdict !== 'next') return verdict;
	}
}

/**
 * Pages through a list API without a total count (Kingdee Query: StartRow = page × pageSize). Stops on a page
 * shorter than pageSize, an empty page, a page identical to the previous one (an API that silently ignores the
 * paging key), the limit, or maxPages. Never requests more rows than the limit needs.
 */
export async function collectPages<T>(options: PaginateOptions<T>): Promise<PaginationResult<T>> {
	const startIndex = options.startIndex ?? 0;
	const limit = options.limit ?? Infinity;
	const records: T[] = [];
	let pages = 0;
	let previousFingerprint: string | undefined;
	let lastPage: PageStopReason = 'shortPage';
	const end = await readPages<T[]>({
		maxPages: options.maxPages ?? DEFAULT_MAX_PAGES,
		enough: () => records.length >= limit,
		fetch: async (page) => await options.fetchPage({ pageIndex: startIndex + page, pageSize: options.pageSize }),
		take: (page) => {
			if (page.length === 0) {
				lastPage = 'emptyPage';
				return 'last';
			}
			// A list API that ignores the paging key repeats the page: same length, same first and last record.
			// (Serialising whole pages cost more CPU than anything else in Get Many.)
			const fingerprint = `${page.length}:${JSON.stringify(page[0])}:${JSON.stringify(page[page.length - 1])}`;
			if (fingerprint === previousFingerprint) {
				lastPage = 'repeatedPage';
				return 'last';
			}
			previousFingerprint = fingerprint;
			records.push(...(page.length > limit - records.length ? page.slice(0, limit - records.length) : page));
			pages++;
			return page.length < options.pageSize ? 'last' : 'next';
		},
	});
	const stopReason: PageStopReason = end === 'enough' ? 'limit' : end === 'maxPages' ? 'maxPages' : lastPage;
	return { records, pages, stopReason };
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

const DEFAULT_MAX_PASSES = 5;
const DEFAULT_CONFIRM_CONCURRENCY = 3;

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
	const read = offsetRead(options);
	const first = await firstOffsetRead(read);
	if (!Array.isArray(first))
		return { records: first.stopped.flat(), requests: read.requests, passes: 1, complete: false };
	if (first.length <= 1) return finishOffsetRead(read, first, 1);
	let previous = first;
	for (let passes = 2; passes <= read.maxPasses; passes++) {
		const current = await confirmationRead(read, previous.length);
		if (sameKeys(keysOf(read, current), keysOf(read, previous))) return finishOffsetRead(read, current, passes);
		previous = current;
	}
	throw keptChanging(read.maxPasses);
}

/** One offset-paged read in progress: its settings, defaults applied, and the requests made so far. */
interface OffsetRead<T> {
	options: CompleteReadOptions<T>;
	startIndex: number;
	pageSize: number;
	limit: number;
	maxPages: number;
	maxPasses: number;
	concurrency: number;
	requests: number;
}

function offsetRead<T>(options: CompleteReadOptions<T>): OffsetRead<T> {
	return {
		options,
		startIndex: options.startIndex ?? 0,
		pageSize: options.pageSize,
		limit: options.limit ?? Infinity,
		maxPages: options.maxPages ?? DEFAULT_MAX_PAGES,
		maxPasses: Math.max(2, options.maxPasses ?? DEFAULT_MAX_PASSES),
		concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONFIRM_CONCURRENCY),
		requests: 0,
	};
}

const pageKeys = <T>(read: OffsetRead<T>, records: T[]): string[] =>
	records.map((record) => read.options.keyOf(record));
const keysOf = <T>(read: OffsetRead<T>, pages: T[][]): string[] => pageKeys(read, pages.flat());
const isLastPage = <T>(read: OffsetRead<T>, records: T[]): boolean => records.length < read.pageSize;
const tooManyPages = (maxPages: number, pageIndex: number) =>
	new PagingError('tooManyPages', `the list did not end within ${maxPages} pages`, pageIndex);
const keptChanging = (maxPasses: number) =>
	new PagingError('keptChanging', `the list kept changing while being read: ${maxPasses} reads never agreed`);

/** Page `page` of the read (counted from 0; the start index is added); a page larger than asked for throws. */
async function fetchOffsetPage<T>(read: OffsetRead<T>, page: number): Promise<T[]> {
	read.requests++;
	const pageIndex = read.startIndex + page;
	const records = await read.options.fetchPage({ pageIndex, pageSize: read.pageSize });
	if (records.length > read.pageSize) {
		throw new PagingError(
			'pageTooLarge',
			`page ${pageIndex} returned ${records.length} records although ${read.pageSize} were asked for`,
			pageIndex,
		);
	}
	return records;
}

/**
 * The first read, page by page: its pages, or `{ stopped }` with the pages read when `shouldStop` ended it. A page
 * that repeats the one before is read again with it: settings repeat (PagingError), changes do not (read again).
 */
async function firstOffsetRead<T>(read: OffsetRead<T>): Promise<T[][] | { stopped: T[][] }> {
	for (let restarts = 0; ; ) {
		const pages: T[][] = [];
		const end = await readPages<T[]>({
			maxPages: read.maxPages,
			enough: () => pages.reduce((sum, page) => sum + page.length, 0) >= read.limit,
			shouldStop: read.options.shouldStop,
			fetch: async (page) => await fetchOffsetPage(read, page),
			take: async (records, page) => {
				const previous = pages[page - 1];
				if (previous && records.length > 0 && sameKeys(pageKeys(read, records), pageKeys(read, previous))) {
					await refuseRepeatedPage(read, page, previous);
					return 'again';
				}
				pages.push(records);
				if (page === 0 && read.startIndex > 0 && records.length > 0) await checkNoLowerPage(read, records);
				return isLastPage(read, records) ? 'last' : 'next';
			},
		});
		if (end === 'maxPages') throw tooManyPages(read.maxPages, read.startIndex + read.maxPages);
		if (end === 'stopped') return { stopped: pages };
		if (end !== 'again') return pages;
		if (++restarts >= read.maxPasses) throw keptChanging(read.maxPasses);
	}
}

/** Rules out a shift by exactly one page: reads both pages again and throws when they still repeat (settings). */
async function refuseRepeatedPage<T>(read: OffsetRead<T>, page: number, previous: T[]): Promise<void> {
	const [before, again] = [await fetchOffsetPage(read, page - 1), await fetchOffsetPage(read, page)];
	const previousKeys = pageKeys(read, previous);
	if (sameKeys(pageKeys(read, before), previousKeys) && sameKeys(pageKeys(read, again), previousKeys)) {
		const pageIndex = read.startIndex + page;
		throw new PagingError(
			'repeatedPage',
			`page ${pageIndex} returned the same records as page ${pageIndex - 1}`,
			pageIndex,
		);
	}
}

/** With a start index above 0: the page below it must be empty or the same as the first (else pages start lower). */
async function checkNoLowerPage<T>(read: OffsetRead<T>, firstPage: T[]): Promise<void> {
	read.requests++;
	const { startIndex } = read;
	let lower: T[];
	try {
		lower = await read.options.fetchPage({ pageIndex: startIndex - 1, pageSize: read.pageSize });
	} catch {
		// A method whose pages really start at startIndex may reject the lower index; nothing to learn.
		return;
	}
	if (lower.length > 0 && !sameKeys(pageKeys(read, lower), pageKeys(read, firstPage))) {
		throw new PagingError(
			'firstPageIndex',
			`page ${startIndex - 1} holds records that page ${startIndex} does not: the pages start at ${startIndex - 1}`,
			startIndex - 1,
		);
	}
}

/** Re-reads `count` pages concurrently, then (without a limit) goes on while the last page is full. */
async function confirmationRead<T>(read: OffsetRead<T>, count: number): Promise<T[][]> {
	const pages: T[][] = new Array<T[]>(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const page = next++;
			pages[page] = await fetchOffsetPage(read, page);
		}
	};
	await Promise.all(Array.from({ length: Math.min(read.concurrency, count) }, worker));
	const end = pages.findIndex((records) => isLastPage(read, records));
	if (end >= 0) return pages.slice(0, end + 1);
	if (read.limit !== Infinity) return pages;
	const ended = await readPages<T[]>({
		from: count,
		maxPages: read.maxPages,
		fetch: async (page) => await fetchOffsetPage(read, page),
		take: (records) => {
			pages.push(records);
			return isLastPage(read, records) ? 'last' : 'next';
		},
	});
	if (ended === 'maxPages') throw tooManyPages(read.maxPages, read.startIndex + read.maxPages);
	return pages;
}

function finishOffsetRead<T>(read: OffsetRead<T>, pages: T[][], passes: number): CompleteReadResult<T> {
	const records = pages.flat();
	const limited = records.length > read.limit ? records.slice(0, read.limit) : records;
	return { records: limited, requests: read.requests, passes, complete: true };
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
	const read = { options, requests: 0, limit: options.limit ?? Infinity };
	const maxPasses = Math.max(2, options.maxPasses ?? DEFAULT_MAX_PASSES);
	const first = await cursorPass(read, true);
	if (!first) return { records: [], requests: read.requests, passes: 1, complete: false };
	const done = (records: T[], passes: number): CompleteReadResult<T> => ({
		records,
		requests: read.requests,
		passes,
		complete: true,
	});
	if (first.pages <= 1 || read.limit !== Infinity) return done(first.records, 1);
	if (await options.proveComplete?.(first.records)) return done(first.records, 1);
	let previous = first.records;
	for (let passes = 2; passes <= maxPasses; passes++) {
		const current = (await cursorPass(read, false)) as { records: T[] };
		const agree = keySet(current.records.map(options.keyOf)) === keySet(previous.map(options.keyOf));
		if (agree || (await options.proveComplete?.(current.records))) return done(current.records, passes);
		previous = current.records;
	}
	throw keptChanging(maxPasses);
}

/** One read of a cursor-paged list: its records (one per key) and non-empty pages; `undefined` when shouldStop ended it. */
async function cursorPass<T>(
	read: { options: CursorReadOptions<T>; requests: number; limit: number },
	first: boolean,
): Promise<{ records: T[]; pages: number } | undefined> {
	const { options, limit } = read;
	const byKey = new Map<string, T>();
	let cursor = options.firstCursor ?? '';
	let previousKeys: string | undefined;
	let pages = 0;
	const end = await readPages<CursorPage<T>>({
		maxPages: options.maxPages ?? DEFAULT_MAX_PAGES,
		enough: () => byKey.size >= limit,
		shouldStop: first ? options.shouldStop : undefined,
		fetch: async (page) => {
			read.requests++;
			return await options.fetchPage(cursor, page);
		},
		take: (answer, page) => {
			if (answer.records.length === 0) return 'last';
			const keys = answer.records.map((record) => options.keyOf(record));
			const pageKeys = keys.join('\n');
			if (pageKeys === previousKeys) {
				throw new PagingError('repeatedPage', `page ${page} returned the same records as page ${page - 1}`, page);
			}
			previousKeys = pageKeys;
			pages++;
			answer.records.forEach((record, i) => {
				byKey.delete(keys[i]);
				byKey.set(keys[i], record);
			});
			if (!answer.nextCursor) {
				throw new PagingError('missingCursor', `page ${page} held records but no cursor for the next page`, page);
			}
			cursor = answer.nextCursor;
			return 'next';
		},
	});
	if (end === 'maxPages') {
		throw new PagingError('tooManyPages', `the list did not end within ${options.maxPages ?? DEFAULT_MAX_PAGES} pages`);
	}
	if (end === 'stopped') return undefined;
	const records = [...byKey.values()];
	return { records: end === 'enough' ? records.slice(0, limit) : records, pages };
}
