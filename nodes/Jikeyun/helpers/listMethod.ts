import { iteratePages } from '../../common/paginate';
import type { JikeyunClient } from '../protocol/client';
import { extractJikeyunRecords } from '../protocol/response';

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
	/** Stop before starting another page once this returns true (the trigger's poll budget). */
	shouldStop?: () => boolean;
}

export interface FetchListResult {
	records: unknown[];
	pages: number;
	complete: boolean;
}

/**
 * Pages through any list method: never more rows than `limit`, never forever (short, empty or
 * repeated page ends it), and reports whether it reached the end.
 */
export async function fetchJikeyunList(client: JikeyunClient, options: FetchListOptions): Promise<FetchListResult> {
	const pageSize = options.limit !== undefined ? Math.max(1, Math.min(options.pageSize, options.limit)) : options.pageSize;
	const pageIndexParameter = options.pageIndexParameter || 'pageIndex';
	const pageSizeParameter = options.pageSizeParameter || 'pageSize';
	const records: unknown[] = [];
	let pages = 0;
	const iterator = iteratePages<unknown>({
		pageSize,
		startIndex: options.startIndex ?? 0,
		limit: options.limit,
		fetchPage: async ({ pageIndex }) => {
			const result = await client.call(options.method, {
				...options.query,
				[pageIndexParameter]: pageIndex,
				[pageSizeParameter]: pageSize,
			});
			return extractJikeyunRecords(result.data, options.listPath);
		},
	});
	for (;;) {
		if (options.shouldStop?.()) return { records, pages, complete: false };
		const next = await iterator.next();
		if (next.done) return { records, pages, complete: true };
		pages++;
		records.push(...next.value);
	}
}
