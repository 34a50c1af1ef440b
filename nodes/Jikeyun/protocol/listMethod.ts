import { PagingError, readCompleteCursorList, readCompleteList, type CompleteReadResult } from '../../common/paginate';
import { settle } from '../../common/settle';
import type { JikeyunClient } from './client';
import { JikeyunSettingsError } from './errors';
import { extractJikeyunRecords } from './response';

/** Records per request unless the node's Page Size says otherwise (most methods allow 200). */
export const DEFAULT_JIKEYUN_PAGE_SIZE = 50;

export interface FetchListOptions {
	method: string;
	/** bizcontent without paging keys. */
	query: Record<string, unknown>;
	pageSize: number;
	/** undefined = all records. */
	limit?: number;
	startIndex?: number;
	pageIndexParameter?: string;
	pageSizeParameter?: string;
	listPath?: string;
	/** Dot path of the field that identifies a record; records without it are identified by their JSON. */
	idPath?: string;
	/** Retry temporary failures even when the method does not read as a read (Call Method's Retry Write Methods). */
	retryWrites?: boolean;
	/** Stop before starting another page once this returns true (the trigger's poll budget). */
	shouldStop?: () => boolean;
	/** Page by a cursor instead of `pageIndex` (docs/jikeyun-open-api.md#complete-order-reads). */
	cursor?: CursorPaging;
}

/** Cursor paging of a method: where the cursor goes in the request and where the next one is in `result.data`. */
export interface CursorPaging {
	/** bizcontent key of the cursor, e.g. `scrollId`; the first request sends `""`. */
	parameter: string;
	/** Dot path of the next cursor inside `result.data`, e.g. `scrollId`. */
	path: string;
	/** Proves a multi-page read complete without a second read (see readCompleteCursorList). */
	proveComplete?: (records: unknown[]) => Promise<boolean>;
	/** Sees every answer's `result.data` (e.g. to keep `totalResults`). */
	onData?: (data: unknown, page: number) => void;
}

export interface FetchListResult {
	records: unknown[];
	/** Page requests, confirmation reads included. */
	pages: number;
	complete: boolean;
}

export function readPath(record: unknown, path: string): unknown {
	let current = record;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** The value at `path` as text, or undefined when it is missing or empty. */
export function idFrom(record: unknown, path: string): string | undefined {
	const value = readPath(record, path);
	return value === undefined || value === null || value === '' ? undefined : String(value);
}

/** The settings a paging problem points at (display names of the node parameters). */
function describePagingProblem(error: PagingError, options: FetchListOptions, pageSize: number): string {
	const pageIndexParameter = options.pageIndexParameter || 'pageIndex';
	const pageSizeParameter = options.pageSizeParameter || 'pageSize';
	switch (error.problem) {
		case 'pageTooLarge':
			return `The method does not take the page size from "${pageSizeParameter}": set "Page Size Parameter" to the method's page-size key, or "Page Size" to the size the method returns (asked for ${pageSize}).`;
		case 'repeatedPage':
			return `Either the method ignores "${pageIndexParameter}" (set "Page Index Parameter" to the method's page-number key) or its pages start at 1 (set "First Page Index" to One).`;
		case 'firstPageIndex':
			return 'The method\'s pages start at 0: set "First Page Index" to Zero.';
		case 'tooManyPages':
			return `Narrow the query (filters or a shorter window), or check "Page Index Parameter" ("${pageIndexParameter}").`;
		case 'keptChanging':
			return 'Records were added or removed faster than the list could be read consistently; retry later (nothing was returned rather than a list with gaps).';
		case 'missingCursor':
			return `The answer has no cursor at "${options.cursor?.path ?? ''}" in result.data: check "Cursor Path in Result Data", and list the cursor field in the method's field list when it has one (oms.trade.fullinfoget: add ${options.cursor?.parameter ?? 'scrollId'} to "fields").`;
	}
}

/** Reads by `pageIndex`, or by cursor when `options.cursor` is set; both prove the read complete. */
async function readList(
	client: JikeyunClient,
	options: FetchListOptions,
	pageSize: number,
): Promise<CompleteReadResult<unknown>> {
	const idPath = (options.idPath ?? '').trim();
	const keyOf = (record: unknown) => (idPath ? idFrom(record, idPath) : undefined) ?? JSON.stringify(record);
	const pageSizeParameter = options.pageSizeParameter || 'pageSize';
	const fetchData = async (query: Record<string, unknown>, part: string) => {
		const result = await client.call(options.method, query, { part, retryWrites: options.retryWrites });
		return result.data;
	};
	const records = (data: unknown, part: string) =>
		extractJikeyunRecords(data, options.listPath, { method: options.method, part });
	const { cursor } = options;
	if (cursor) {
		return await readCompleteCursorList<unknown>({
			limit: options.limit,
			shouldStop: options.shouldStop,
			keyOf,
			proveComplete: cursor.proveComplete,
			fetchPage: async (value, page) => {
				const part = `page ${page}`;
				const data = await fetchData(
					{ ...options.query, [cursor.parameter]: value, [pageSizeParameter]: pageSize },
					part,
				);
				cursor.onData?.(data, page);
				const next = readPath(data, cursor.path);
				return {
					records: records(data, part),
					nextCursor: next === undefined || next === null ? undefined : String(next),
				};
			},
		});
	}
	const pageIndexParameter = options.pageIndexParameter || 'pageIndex';
	return await readCompleteList<unknown>({
		pageSize,
		startIndex: options.startIndex ?? 0,
		limit: options.limit,
		shouldStop: options.shouldStop,
		keyOf,
		fetchPage: async ({ pageIndex }) => {
			const part = `page ${pageIndex}`;
			const query = { ...options.query, [pageIndexParameter]: pageIndex, [pageSizeParameter]: pageSize };
			return records(await fetchData(query, part), part);
		},
	});
}

/**
 * Pages through any list method and returns every record present for the whole read (see
 * readCompleteList, readCompleteCursorList): a multi-page list is proven complete, never more rows than `limit`,
 * and wrong paging settings fail with the setting to fix instead of returning partial data.
 */
export async function fetchJikeyunList(client: JikeyunClient, options: FetchListOptions): Promise<FetchListResult> {
	const pageSize =
		options.limit !== undefined ? Math.max(1, Math.min(options.pageSize, options.limit)) : options.pageSize;
	const reading = await settle(async () => await readList(client, options, pageSize));
	if (reading.ok)
		return { records: reading.value.records, pages: reading.value.requests, complete: reading.value.complete };
	// A paging problem names the setting to fix; anything else goes to the node as it is (ARCHITECTURE.md#layers, settle).
	const failure = reading.error;
	if (!(failure instanceof PagingError)) throw failure;
	throw new JikeyunSettingsError(
		`The ${options.method} list could not be read completely: ${failure.message}`,
		describePagingProblem(failure, options, pageSize),
	);
}
