/**
 * Entry rows (表体) of bills in Batch Save (docs/kingdee-webapi.md#entry-rows): which entry columns a lookup reads,
 * how its answer of one query row per entry row groups into a bill's rows, and the comparison of the rows sent with
 * the rows Kingdee holds as a multiset of their mapped fields (row order and FEntryID do not matter). Pure.
 */
import { isEntryRows } from '../model';
import {
	displayValue,
	referenceCode,
	valuesEqual,
	type ExistingRecord,
	type FieldChange,
	type PlannedPackage,
	type ReadField,
	type UnverifiableField,
} from '../savePlan';

/** Entry columns one lookup reads at most, so that head and entry stay within the 30-column advice. */
const MAX_ENTRY_COLUMNS = 15;

type Row = Record<string, unknown>;

/**
 * The entry a package's rows are compared in: its first entry-row list. One query reads one entry (its rows repeat
 * the head); further entries of the package cannot be read back.
 */
export function entryOf(model: Row): { entity: string; rows: Row[] } | undefined {
	for (const [key, value] of Object.entries(model)) if (isEntryRows(value)) return { entity: key, rows: value };
	return undefined;
}

/** The query column of an entry row's id (docs/kingdee-webapi.md#queries): `FEntity_FEntryID`. */
function entryIdKey(entity: string): string {
	return `${entity}_FEntryID`;
}

const isRowId = (field: string) => field.toLowerCase() === 'fentryid';

/**
 * How the mapped fields of entry rows read back: scalars by their key, `{"FNumber": …}` references as
 * `<field>.FNumber`; FEntryID is never compared; nested lists (sub-entries) and other objects cannot be compared.
 */
function entryFields(rows: Row[]): { readable: ReadField[]; unverifiable: string[] } {
	const readable = new Map<string, ReadField>();
	const unverifiable = new Set<string>();
	for (const row of rows) {
		for (const [field, value] of Object.entries(row)) {
			if (isRowId(field) || readable.has(field) || unverifiable.has(field)) continue;
			const code = referenceCode(value);
			if (value !== null && typeof value === 'object' && (code === undefined || typeof code === 'object')) {
				unverifiable.add(field);
			} else {
				const reference = code !== undefined;
				readable.set(field, { field, queryKey: reference ? `${field}.FNumber` : field, caseInsensitive: reference });
			}
		}
	}
	return { readable: [...readable.values()], unverifiable: [...unverifiable] };
}

/** The entry columns a lookup of these packages reads: each entry's row id, then the mapped entry fields. */
export function entryQueryKeys(models: Row[]): { keys: string[]; overLimit: string[] } {
	const keys = new Map<string, string>();
	for (const model of models) {
		const entry = entryOf(model);
		if (!entry) continue;
		const idKey = entryIdKey(entry.entity);
		if (!keys.has(idKey.toLowerCase())) keys.set(idKey.toLowerCase(), idKey);
		for (const { queryKey } of entryFields(entry.rows).readable) {
			if (!keys.has(queryKey.toLowerCase())) keys.set(queryKey.toLowerCase(), queryKey);
		}
	}
	const all = [...keys.values()];
	return { keys: all.slice(0, MAX_ENTRY_COLUMNS), overLimit: all.slice(MAX_ENTRY_COLUMNS) };
}

function valueOf(row: Row, queryKey: string): { found: boolean; value: unknown } {
	const lower = queryKey.toLowerCase();
	const key = Object.keys(row).find((candidate) => candidate.toLowerCase() === lower);
	return key === undefined ? { found: false, value: undefined } : { found: true, value: row[key] };
}

/**
 * The entry rows Kingdee holds for a record, from the query rows of its lookup (one per entry row, the head
 * repeated): rows with an entry id, each id once. Undefined when the entry id was not read (cannot tell).
 */
function storedEntryRows(record: ExistingRecord, entity: string): Row[] | undefined {
	const rows = record.rows ?? [record.values];
	const idKey = entryIdKey(entity);
	if (!rows.some((row) => valueOf(row, idKey).found)) return undefined;
	const byId = new Map<string, Row>();
	for (const row of rows) {
		const id = valueOf(row, idKey).value;
		if (id === null || id === undefined || String(id).trim() === '' || String(id) === '0') continue;
		if (!byId.has(String(id))) byId.set(String(id), row);
	}
	return [...byId.values()];
}

/** A sent row equals a stored one when every field the sent row maps holds the same value (savePlan rules). */
function rowMatches(sent: Row, stored: Row, fields: ReadField[]): boolean {
	return fields.every(({ field, queryKey, caseInsensitive }) => {
		if (!(field in sent)) return true;
		const held = valueOf(stored, queryKey);
		return held.found && valuesEqual(sent[field], held.value, caseInsensitive);
	});
}

/** Pairs sent and stored rows as multisets; returns the rows of each side left without a partner. */
function matchEntryRows(
	sent: Row[],
	stored: Row[],
	fields: ReadField[],
): { unmatchedSent: Row[]; unmatchedStored: Row[] } {
	const free = [...stored];
	const unmatchedSent: Row[] = [];
	for (const row of sent) {
		const partner = free.findIndex((candidate) => rowMatches(row, candidate, fields));
		if (partner < 0) unmatchedSent.push(row);
		else free.splice(partner, 1);
	}
	return { unmatchedSent, unmatchedStored: free };
}

/** A row as a plan or an error shows it: the compared fields, references as their code. */
function shownRow(row: Row, fields: ReadField[], side: 'sent' | 'stored'): Row {
	const out: Row = {};
	for (const { field, queryKey } of fields) {
		if (side === 'sent' ? field in row : valueOf(row, queryKey).found)
			out[field] = side === 'sent' ? displayValue(row[field]) : (valueOf(row, queryKey).value ?? null);
	}
	return out;
}

export type EntryComparison =
	| { kind: 'none' }
	| { kind: 'compared'; equal: boolean; change?: FieldChange; unverifiable: UnverifiableField[] }
	| { kind: 'unreadable'; unverifiable: UnverifiableField[] };

/**
 * Compares the package's entry rows with the record's: `compared` (equal, or the change: the stored rows and the
 * sent rows that found no partner), `unreadable` when the rows could not be read back, `none` without entry rows.
 * Further entries and fields that cannot be read are reported as unverifiable.
 */
export function compareEntries(
	model: Row,
	existing: ExistingRecord,
	unreadable: ReadonlyMap<string, string>,
): EntryComparison {
	const entry = entryOf(model);
	if (!entry) return { kind: 'none' };
	const { entity, rows } = entry;
	const unverifiable: UnverifiableField[] = Object.entries(model)
		.filter(([key, value]) => key !== entity && isEntryRows(value))
		.map(([field]) => ({ field, reason: `only one entry (${entity}) can be read back per query` }));
	const described = entryFields(rows);
	for (const field of described.unverifiable)
		unverifiable.push({
			field: `${entity}.${field}`,
			reason: 'a nested list or object in an entry row cannot be compared',
		});
	const fields: ReadField[] = [];
	for (const field of described.readable) {
		const why = unreadable.get(field.queryKey.toLowerCase());
		if (why === undefined) fields.push(field);
		else unverifiable.push({ field: `${entity}.${field.field}`, reason: why });
	}
	const stored = storedEntryRows(existing, entity);
	if (stored === undefined) {
		// Without row ids the rows cannot be told apart: the entry as a whole is not compared.
		const why = unreadable.get(entryIdKey(entity).toLowerCase()) ?? `${entryIdKey(entity)} was not read back`;
		const reason = `its entry rows cannot be read back to compare: ${why}`;
		return { kind: 'unreadable', unverifiable: [{ field: entity, reason }] };
	}
	const { unmatchedSent, unmatchedStored } = matchEntryRows(rows, stored, fields);
	const equal = unmatchedSent.length === 0 && unmatchedStored.length === 0;
	if (equal) return { kind: 'compared', equal, unverifiable };
	const change: FieldChange = {
		field: entity,
		before: unmatchedStored.map((row) => shownRow(row, fields, 'stored')),
		after: unmatchedSent.map((row) => shownRow(row, fields, 'sent')),
	};
	return { kind: 'compared', equal, change, unverifiable };
}

/**
 * The plan of an update with its entry rows compared: an entry change makes it an update, rows that cannot be
 * compared make it an update too (with the reason); equal rows leave the head's verdict.
 */
export function withEntryComparison(plan: PlannedPackage, unreadable: ReadonlyMap<string, string>): PlannedPackage {
	if (!plan.existing || plan.action === 'create') return plan;
	const comparison = compareEntries(plan.model, plan.existing, unreadable);
	if (comparison.kind === 'none') return plan;
	const changes =
		comparison.kind === 'compared' && comparison.change ? [...plan.changes, comparison.change] : plan.changes;
	const unverifiable = [...plan.unverifiable, ...comparison.unverifiable];
	const action = changes.length === 0 && unverifiable.length === 0 ? 'unchanged' : 'update';
	return { ...plan, action, changes, unverifiable };
}

export type EntryVerdict =
	| { kind: 'none' }
	| { kind: 'holds' }
	| { kind: 'differs'; message: string; stillPrevious: boolean }
	| { kind: 'unclear'; message: string };

/**
 * A read-back of entry rows: `holds` when Kingdee holds exactly the rows sent (count and every mapped field: material,
 * quantity, price, …); `differs` with what was found (and whether the rows are still the ones the plan read);
 * `unclear` when the rows could not be read.
 */
export function judgeEntries(
	item: PlannedPackage,
	now: ExistingRecord,
	unreadable: ReadonlyMap<string, string>,
): EntryVerdict {
	const comparison = compareEntries(item.model, now, unreadable);
	if (comparison.kind === 'none') return { kind: 'none' };
	if (comparison.kind === 'unreadable') {
		return { kind: 'unclear', message: comparison.unverifiable.map((u) => `${u.field}: ${u.reason}`).join('; ') };
	}
	if (comparison.equal) return { kind: 'holds' };
	const entity = comparison.change!.field;
	const stored = storedEntryRows(now, entity) ?? [];
	const sentCount = entryOf(item.model)!.rows.length;
	const missing = (comparison.change!.after as Row[]).slice(0, 3).map((row) => JSON.stringify(row));
	const message = `${entity} holds ${stored.length} row(s), ${sentCount} sent${missing.length > 0 ? `; not found: ${missing.join(', ')}` : ''}`;
	return { kind: 'differs', message, stillPrevious: stillPreviousRows(item, stored, entity) };
}

/** Whether the entry rows now are the rows the plan read before the update (same ids, same values). */
function stillPreviousRows(item: PlannedPackage, now: Row[], entity: string): boolean {
	if (!item.existing || item.action === 'create') return false;
	const before = storedEntryRows(item.existing, entity);
	if (before === undefined || before.length !== now.length) return false;
	const columns = [
		entryIdKey(entity),
		...entryFields(entryOf(item.model)!.rows).readable.map((field) => field.queryKey),
	];
	const same = (left: Row, right: Row) =>
		columns.every((key) => valuesEqual(valueOf(left, key).value, valueOf(right, key).value, true));
	const free = [...now];
	return before.every((row) => {
		const partner = free.findIndex((candidate) => same(row, candidate));
		if (partner >= 0) free.splice(partner, 1);
		return partner >= 0;
	});
}

/**
 * What is wrong with a bill's entry rows before anything is sent, for a bill that needs them (`entry`, from
 * protocol/forms.ts): a field of the entry set at the head, no rows, or something else than a list of rows.
 */
export function entryInputProblem(
	model: Row,
	entry: { key: string; fields: string[] },
): { field: string; message: string } | undefined {
	const entryFieldKeys = new Set(entry.fields.map((field) => field.toLowerCase()));
	const atHead = Object.keys(model).find((key) => entryFieldKeys.has(key.toLowerCase()));
	if (atHead !== undefined) {
		return {
			field: atHead,
			message: `${atHead} is a field of the entry rows (${entry.key}), not of the bill's head: put it into each row, e.g. "${entry.key}": [{"${atHead}": …}]`,
		};
	}
	const key = Object.keys(model).find((candidate) => candidate.toLowerCase() === entry.key.toLowerCase()) ?? entry.key;
	const rows = model[key];
	if (rows === undefined || rows === null || (Array.isArray(rows) && rows.length === 0)) {
		return {
			field: entry.key,
			message: `the bill has no entry rows (${entry.key}), and Kingdee does not save it without: map its lines into ${entry.key} as a list of rows, e.g. "${entry.key}": [{"FMaterialID": "M-001", "FRealQty": 2}]`,
		};
	}
	if (!isEntryRows(rows)) {
		return {
			field: entry.key,
			message: `${entry.key} is not a list of entry rows (objects of F… fields): give it as e.g. [{"FMaterialID": "M-001", "FRealQty": 2}]`,
		};
	}
	return undefined;
}

/**
 * The 1-based entry row a Kingdee error names: its messages say `第2行分录` / `第2行` (docs/kingdee-webapi.md#entry-rows);
 * undefined when the text names none.
 */
export function entryRowOf(message: string): number | undefined {
	const match = /第\s*(\d+)\s*行/.exec(message);
	return match ? Number(match[1]) : undefined;
}
