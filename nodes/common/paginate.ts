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
