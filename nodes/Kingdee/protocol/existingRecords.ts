/**
 * Reading what Kingdee holds for many numbers in few calls: ExecuteBillQuery with large `IN` lists
 * (docs/kingdee-webapi.md#queries), each list paged at 2,000 rows, reading the internal id, the number, the status and
 * the fields a save would set. Fields the form does not have (MsgCode 9) are dropped and reported as
 * unreadable instead of failing the lookup. Pure: talks to Kingdee only through a KingdeeSession.
 */
import { settle } from '../../common/settle';
import { isKingdeeApiError } from './errors';
import { inFilter, queryAllRows } from './query';
import { numberKey, referenceCode, type ExistingRecord } from './savePlan';
import type { KingdeeSession } from './session';

/**
 * Numbers per IN list: one call reads 1,000 records, within the 2,000-row page of every server version
 * (docs/kingdee-webapi.md#query-limits).
 */
export const NUMBERS_PER_LOOKUP = 1000;
/** And at most this much filter text, to keep each request moderate in size (docs/kingdee-webapi.md#query-limits). */
const MAX_FILTER_CHARS = 60_000;

export interface LookupSettings {
	formId: string;
	numberField: string;
	primaryKeyField: string;
}

export interface LookupResult {
	/** By numberKey(number). With several records per number (one per organisation), the lowest id. */
	found: Map<string, ExistingRecord>;
	/** By numberKey(number): every record holding the number (one per use organisation for base data), by id. */
	all: Map<string, ExistingRecord[]>;
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

/** The use organisation's number, read for base data so that a number is matched per organisation. */
const USE_ORG_KEY = 'FUseOrgId.FNumber';

/** Base data (numbered by FNumber) is unique per use organisation (docs/kingdee-webapi.md#upsert-by-number). */
function useOrgKeyFor(settings: LookupSettings): string | undefined {
	return settings.numberField.toLowerCase() === 'fnumber' ? USE_ORG_KEY : undefined;
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

function rowsToRecords(rows: Array<Record<string, unknown>>, settings: LookupSettings, result: LookupResult): void {
	for (const row of rows) {
		const number = row[settings.numberField];
		const id = row[settings.primaryKeyField];
		if (number === null || number === undefined || id === null || id === undefined) continue;
		const key = numberKey(String(number));
		const same = result.all.get(key) ?? [];
		// A bill read with entry columns comes as one row per entry row (docs/kingdee-webapi.md#entry-rows): its
		// further rows join it.
		const known = same.find((record) => String(record.id) === String(id));
		if (known) {
			known.rows?.push(valuesOf(row, settings));
			continue;
		}
		const status = row.FDocumentStatus;
		const values = valuesOf(row, settings);
		const useOrg = row[USE_ORG_KEY];
		const record: ExistingRecord = {
			id: id as string | number,
			number: String(number),
			documentStatus: typeof status === 'string' ? status : null,
			values,
			rows: [values],
			...(useOrg !== undefined && useOrg !== null ? { useOrg: String(useOrg) } : {}),
		};
		result.all.set(key, [...same, record]);
		// Rows come ordered by internal id: the first per number is the oldest record.
		if (!result.found.has(key)) result.found.set(key, record);
	}
}

/** The use organisation an item names (`FUseOrgId` as a code or `{"FNumber": code}`), if any. */
export function useOrgOf(model: Record<string, unknown>): string | undefined {
	const key = Object.keys(model).find((field) => field.toLowerCase() === 'fuseorgid');
	if (key === undefined) return undefined;
	const value = model[key];
	const code = referenceCode(value) ?? value;
	return typeof code === 'string' || typeof code === 'number' ? String(code).trim() || undefined : undefined;
}

/** Several records hold the number and nothing tells which one is meant. */
export interface AmbiguousMatch {
	ambiguous: true;
	useOrgs: string[];
}

/**
 * The record a package means among those holding its number: the one with its internal id when known; else the one of
 * the item's use organisation; else the only one. Several organisations and none named → ambiguous.
 */
export function pickRecord(
	records: ExistingRecord[] | undefined,
	by: { id?: string | number; useOrg?: string },
): ExistingRecord | AmbiguousMatch | undefined {
	if (!records || records.length === 0) return undefined;
	if (by.id !== undefined) return records.find((record) => String(record.id) === String(by.id));
	const orgs = records.map((record) => record.useOrg).filter((org): org is string => org !== undefined);
	if (orgs.length === 0) return records[0];
	if (by.useOrg !== undefined) {
		return records.find((record) => record.useOrg?.toUpperCase() === by.useOrg!.toUpperCase());
	}
	return records.length === 1 ? records[0] : { ambiguous: true, useOrgs: orgs };
}

export function isAmbiguous(match: ExistingRecord | AmbiguousMatch | undefined): match is AmbiguousMatch {
	return match !== undefined && 'ambiguous' in match;
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
	const result: LookupResult = { found: new Map(), all: new Map(), unreadable: new Map() };
	const unique = [...new Map(numbers.map((number) => [number, number])).values()];
	if (unique.length === 0) return result;
	const chunks = lookupChunks(unique);
	const orgKey = useOrgKeyFor(settings);
	const withOrg = orgKey && !readKeys.some((key) => key.toLowerCase() === orgKey.toLowerCase());
	const optional = ['FDocumentStatus', ...readKeys, ...(withOrg ? [orgKey] : [])];
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
		rowsToRecords(rows, settings, result);
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
