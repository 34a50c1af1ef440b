/** ExecuteBillQuery helpers: paging, rows → objects, safe filter literals. Pure. */
import { collectPages } from '../../common/paginate';
import type { KingdeeSession } from './session';

/** 2,000 rows per call works on every server version (docs/kingdee-webapi.md#query-limits). */
export const KINGDEE_QUERY_PAGE_SIZE = 2000;

/** A SQL string literal for FilterString: single quotes doubled. */
function quoteFilterValue(value: string | number): string {
	return `'${String(value).replace(/'/g, "''")}'`;
}

/** `FNumber IN ('C001','O''Brien')` */
export function inFilter(field: string, values: Array<string | number>): string {
	return `${field} IN (${values.map(quoteFilterValue).join(',')})`;
}

/** One row array → object keyed by the FieldKeys strings (dotted keys kept as they are, like BillQuery). */
function rowToObject(fieldKeys: string[], row: unknown[]): Record<string, unknown> {
	const object: Record<string, unknown> = {};
	fieldKeys.forEach((key, index) => {
		object[key] = row[index] ?? null;
	});
	return object;
}

export interface BillQueryInput {
	formId: string;
	fieldKeys: string[];
	filterString?: string;
	/** Always give one: pages are only stable with an explicit order. */
	orderString: string;
	/** Stop after this many rows (undefined = all). */
	limit?: number;
	pageSize?: number;
	/** What the query is for, in messages and the call report (`lookup 2`); pages after the first add `page N`. */
	part?: string;
}

/** Pages ExecuteBillQuery with StartRow/Limit until a short page; rows as objects. */
export async function queryAllRows(
	session: KingdeeSession,
	input: BillQueryInput,
): Promise<Array<Record<string, unknown>>> {
	const pageSize = Math.max(1, Math.floor(input.pageSize ?? KINGDEE_QUERY_PAGE_SIZE));
	const fieldKeys = input.fieldKeys.join(',');
	const { records } = await collectPages<unknown[]>({
		pageSize: input.limit !== undefined ? Math.min(pageSize, Math.max(1, input.limit)) : pageSize,
		limit: input.limit,
		fetchPage: async ({ pageIndex, pageSize: size }) =>
			await session.executeBillQuery(
				{
					FormId: input.formId,
					FieldKeys: fieldKeys,
					FilterString: input.filterString ?? '',
					OrderString: input.orderString,
					TopRowCount: 0,
					StartRow: pageIndex * size,
					Limit: size,
				},
				[input.part, `page ${pageIndex + 1}`].filter(Boolean).join(', '),
			),
	});
	return records.map((row) => rowToObject(input.fieldKeys, row));
}
