/**
 * Reading what Kingdee holds for many numbers in few calls: ExecuteBillQuery with large `IN` lists
 * (docs/kingdee-webapi.md#queries), each list paged at 2,000 rows, reading the internal id, the number, the status and
 * the fields a save would set. Fields the form does not have (MsgCode 9) are dropped and reported as
 * unreadable instead of failing the lookup. Pure: talks to Kingdee only through a KingdeeSession.
 */
import { settle } from '../../common/settle';
import { isKingdeeApiError } from './errors';
import { inFilter, queryAllRows } from './query';
import { numberKey, type ExistingRecord } from './savePlan';
import type { KingdeeSession } from './session';

/**
 * Numbers per IN list: one call reads 1,000 records, within the 2,000-row page of every server version
 * (docs/kingdee-webapi.md#query-limits).
 */
export const NUMBERS_PER_LOOKUP = 1000;
/** And at most this much filter text, to keep each request moderate in size (docs/kingdee-webapi.md#query-limits). */
export const MAX_FILTER_CHARS = 60_000;

export interface LookupSettings {
	formId: string;
	numberField: string;
	primaryKeyField: string;
}

export interface LookupResult {
	/** By numberKey(number). With several records per number (one per organisation), the lowest id. */
	found: Map<string, ExistingRecord>;
	/** Lower-cased query keys the form could not read, with the reason. */
	unreadable: Map<string, string>;
}

/** Splits numbers into IN lists of at most NUMBERS_PER_LOOKUP numbers and MAX_FILTER_CHARS characters. */
export function lookupChunks(numbers: string[]): string[][] {
	const chunks: string[][] = [];
	let current: string[] = [];
	let chars = 0;
	for (const number of numbers) {
		const cost = number.length + 4;
		if (current.length > 0 && (current.length >= NUMBERS_PER_LOOKUP || chars + cost > MAX_FILTER_CHARS)) {
			chunks.push(current);
			current = [];
			chars = 0;
		}
		current.push(number);
		chars += cost;
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}

/** The field named by Kingdee's "field does not exist" error (元数据中标识为X的字段不存在, docs/kingdee-webapi.md#queries). */
export function missingFieldOf(error: unknown): string | undefined {
	if (!isKingdeeApiError(error) || error.msgCode !== 9) return undefined;
	const texts = [error.message, ...error.rowErrors.map((row) => row.message)];
	for (const text of texts) {
		const match = /标识为\s*[“"]?([A-Za-z0-9_.]+)[”"]?\s*的字段不存在/.exec(text);
		if (match) return match[1];
	}
	return undefined;
}

/** A query row's values without the fixed columns (internal id, number, status). */
function valuesOf(row: Record<string, unknown>, settings: LookupSettings): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(row)) {
		if (field !== settings.primaryKeyField && field !== settings.numberField && field !== 'FDocumentStatus')
			values[field] = value;
	}
	return values;
}

function rowsToRecords(
	rows: Array<Record<string, unknown>>,
	settings: LookupSettings,
	found: Map<string, ExistingRecord>,
): void {
	for (const row of rows) {
		const number = row[settings.numberField];
		const id = row[settings.primaryKeyField];
		if (number === null || number === undefined || id === null || id === undefined) continue;
		const key = numberKey(String(number));
		// Rows come ordered by internal id: the first per number is the oldest record. A bill read with entry
		// columns comes as one row per entry row (docs/kingdee-webapi.md#entry-rows): its further rows join it.
		const known = found.get(key);
		if (known) {
			if (String(known.id) === String(id)) known.rows?.push(valuesOf(row, settings));
			continue;
		}
		const status = row.FDocumentStatus;
		const values = valuesOf(row, settings);
		found.set(key, {
			id: id as string | number,
			number: String(number),
			documentStatus: typeof status === 'string' ? status : null,
			values,
			rows: [values],
		});
	}
}

/** Runs work items on sessions: one after another on one session, or spread over a pool. */
export type ChunkRunner = <T>(inputs: T[], work: (input: T, session: KingdeeSession) => Promise<void>) => Promise<void>;

export function sequentially(session: KingdeeSession): ChunkRunner {
	return async (inputs, work) => {
		for (const input of inputs) await work(input, session);
	};
}

/**
 * Reads the records for `numbers` with `readKeys`. The first IN list runs alone on `session` (it finds
 * out which columns the form lacks); `runnerForRest`, told what the first list found, decides how the
 * others run (default: one after another on the same session).
 * Throws only when the lookup itself cannot work (wrong form, number or id field, auth, network).
 */
export async function lookupExisting(
	session: KingdeeSession,
	settings: LookupSettings,
	numbers: string[],
	readKeys: string[],
	runnerForRest: (first: { numbers: string[]; result: LookupResult }) => ChunkRunner = () => sequentially(session),
	/** Names the queries in messages and the call report: `lookup 1`, `lookup 2`, … */
	partPrefix = 'lookup',
): Promise<LookupResult> {
	const result: LookupResult = { found: new Map(), unreadable: new Map() };
	const unique = [...new Map(numbers.map((number) => [number, number])).values()];
	if (unique.length === 0) return result;
	const chunks = lookupChunks(unique);
	const optional = ['FDocumentStatus', ...readKeys];
	const keys = [settings.primaryKeyField, settings.numberField, ...optional];

	const queryChunk = async (chunk: string[], via: KingdeeSession) => {
		// Entry rows of one bill are ordered too, so that pages (StartRow) cut the same sequence every call.
		const entryIds = keys.filter((key) => /_FEntryID$/i.test(key)).map((key) => `, ${key} ASC`);
		const rows = await queryAllRows(via, {
			part: `${partPrefix} ${chunks.indexOf(chunk) + 1}`,
			formId: settings.formId,
			fieldKeys: keys,
			filterString: inFilter(settings.numberField, chunk),
			orderString: `${settings.primaryKeyField} ASC${entryIds.join('')}`,
		});
		rowsToRecords(rows, settings, result.found);
	};

	// First list: drop columns the form does not have, one per refusal, until the query works.
	for (;;) {
		const first = await settle(async () => await queryChunk(chunks[0], session));
		if (first.ok) break;
		const failure = first.error;
		const missing = missingFieldOf(failure);
		const droppable =
			missing === undefined
				? undefined
				: keys.findIndex((key, index) => index >= 2 && key.toLowerCase() === missing.toLowerCase());
		if (droppable === undefined || droppable < 0) throw failure;
		const [dropped] = keys.splice(droppable, 1);
		result.unreadable.set(dropped.toLowerCase(), `the form has no field ${dropped} to read back (Kingdee MsgCode 9)`);
	}
	if (chunks.length > 1) {
		const runRest = runnerForRest({ numbers: chunks[0], result });
		await runRest(chunks.slice(1), async (chunk, via) => await queryChunk(chunk, via));
	}
	return result;
}
