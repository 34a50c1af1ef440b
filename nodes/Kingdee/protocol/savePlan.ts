/**
 * Planning a change-aware Batch Save: which fields of the input can be read back with ExecuteBillQuery,
 * how a sent value compares with what Kingdee holds, and the classification of every package as
 * create, update (with the differing fields) or unchanged. Pure: no I/O, no n8n.
 *
 * Comparison rules: a value is "the same" only when a Save would store what Kingdee holds
 * (docs/kingdee-webapi.md#comparison-rules). Each head field is compared by the kind its form's metadata gives it
 * (`fieldKindOf` in formMetadata.ts):
 * - empty: null, undefined and '' are all "empty" (a key present with one of them clears the field);
 * - text: the exact string, as Kingdee keeps it: no trimming, a full-width space is a character, `"00123"` ≠ `"123"`,
 *   `"1.10"` ≠ `"1.1"`, date-like text is text; a JSON number or boolean sent to a text field is its JSON text;
 * - decimal/integer: by value (`"00123"` = 123, `"1.10"` = 1.1; integers exactly, 19-digit ids arrive as text);
 * - date: after normalising `2024-01-31`, `2024-01-31T00:00:00` and `2024-01-31 00:00:00.000`;
 * - boolean (check box): true/false in any case and 1/0, as a boolean;
 * - base data: a reference `{"FNumber": x}` (any key case) compares its code `x` with `<field>.FNumber`,
 *   case-insensitively and trimmed, because Kingdee resolves and indexes numbers so (SQL Server collation); the
 *   record's own number is matched the same way;
 * - unknown kind (no metadata, or a field it does not list): strictly, same JSON type and same value (references
 *   and the number as above); a value that a looser rule would call equal is a change and is sent, never guessed equal.
 * Entry rows are compared as a multiset of their mapped fields (batchSave/entries.ts, by `valuesEqual`). Anything else
 * (multi-language arrays, objects other than a reference) cannot be compared exactly and makes its package an update,
 * with the reason in the plan.
 */

import type { FieldKind } from './formMetadata';
import { hasPrimaryKey, isEntryRows } from './model';

/** Kingdee advises ≤ 30 columns per base-data query (docs/kingdee-webapi.md#query-limits). */
export const MAX_QUERY_COLUMNS = 30;

export interface ReadField {
	/** The key in the Model package, e.g. FCreateOrgId. */
	field: string;
	/** The FieldKeys entry that reads it back, e.g. FCreateOrgId.FNumber. */
	queryKey: string;
	/** Compared case-insensitively (numbers and reference codes). */
	caseInsensitive: boolean;
}

export interface UnverifiableField {
	field: string;
	reason: string;
}

export interface FieldChange {
	field: string;
	before: unknown;
	after: unknown;
}

/** What Kingdee holds for one number: id, status and the values of the read fields (by query key). */
export interface ExistingRecord {
	id: string | number;
	number: string;
	documentStatus: string | null;
	values: Record<string, unknown>;
	/**
	 * Every query row read for the record (the first is `values`): bills read with entry columns come back as one
	 * row per entry row (batchSave/entries.ts groups them).
	 */
	rows?: Array<Record<string, unknown>>;
	/** The use organisation's number (base data), when read. */
	useOrg?: string;
}

export type PlanAction = 'create' | 'update' | 'unchanged';

export interface PlannedPackage {
	/** Position in the input list. */
	index: number;
	number: string | undefined;
	action: PlanAction;
	existing?: ExistingRecord;
	/** Fields whose value differs from what Kingdee holds (updates only). */
	changes: FieldChange[];
	/** Fields that could not be compared; an update is sent because of them. */
	unverifiable: UnverifiableField[];
	/** Fields a Save does not change (status fields, fields outside Fields to Update): never compared nor reported. */
	notApplied?: UnverifiableField[];
	/** The package to send: the input with the found internal id for updates. */
	model: Record<string, unknown>;
}

export interface DuplicateNumber {
	number: string;
	/** Input positions sharing it, in order. */
	indices: number[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{"FNumber": x}` / `{"FNUMBER": x}` → x; undefined for anything else. */
export function referenceCode(value: unknown): unknown {
	if (!isPlainObject(value)) return undefined;
	const keys = Object.keys(value);
	if (keys.length !== 1 || keys[0].toLowerCase() !== 'fnumber') return undefined;
	return value[keys[0]];
}

/** The key under which a number is matched: trimmed, case-folded (see the rules above). */
export function numberKey(number: string): string {
	return number.trim().toUpperCase();
}

/**
 * How each head field of one package reads back: scalars by their own key, references by `<field>.FNumber`; other
 * structures are unverifiable; entry rows are left to batchSave/entries.ts. The primary key is never compared.
 */
export function describePackageFields(
	model: Record<string, unknown>,
	primaryKeyField: string,
	numberField: string,
): { readable: ReadField[]; unverifiable: UnverifiableField[] } {
	const readable: ReadField[] = [];
	const unverifiable: UnverifiableField[] = [];
	const pk = primaryKeyField.toLowerCase();
	for (const [field, value] of Object.entries(model)) {
		if (field.toLowerCase() === pk) continue;
		// Entry rows are read and compared by batchSave/entries.ts.
		if (isEntryRows(value)) continue;
		if (Array.isArray(value)) {
			unverifiable.push({ field, reason: 'a multi-language list cannot be read back to compare' });
		} else if (isPlainObject(value)) {
			const code = referenceCode(value);
			if (code === undefined || isPlainObject(code) || Array.isArray(code)) {
				unverifiable.push({ field, reason: 'an object other than a {"FNumber": …} reference cannot be compared' });
			} else {
				readable.push({ field, queryKey: `${field}.FNumber`, caseInsensitive: true });
			}
		} else {
			readable.push({ field, queryKey: field, caseInsensitive: field.toLowerCase() === numberField.toLowerCase() });
		}
	}
	return { readable, unverifiable };
}

/**
 * The FieldKeys to read for all packages: the union of their readable fields, capped so that with the
 * fixed columns (internal id, number, status) a query stays within MAX_QUERY_COLUMNS.
 */
export function readKeysForPackages(
	models: Array<Record<string, unknown>>,
	primaryKeyField: string,
	numberField: string,
	fixedColumns: number,
): { keys: string[]; overLimit: Set<string> } {
	const keys: string[] = [];
	const seen = new Set<string>([numberField.toLowerCase()]);
	const overLimit = new Set<string>();
	const room = Math.max(0, MAX_QUERY_COLUMNS - fixedColumns);
	for (const model of models) {
		for (const { queryKey } of describePackageFields(model, primaryKeyField, numberField).readable) {
			const lower = queryKey.toLowerCase();
			if (seen.has(lower)) continue;
			seen.add(lower);
			if (keys.length < room) keys.push(queryKey);
			else overLimit.add(lower);
		}
	}
	return { keys, overLimit };
}

type Normalized =
	| { kind: 'empty' }
	| { kind: 'text'; text: string }
	| { kind: 'number'; value: number; text: string }
	| { kind: 'boolean'; value: boolean };

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

function normalizeDateTime(text: string): string | undefined {
	const match = DATE_TIME.exec(text);
	if (!match) return undefined;
	const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = ''] = match;
	return `${y}-${mo}-${d} ${h}:${mi}:${s}.${fraction.replace(/0+$/, '')}`;
}

function normalize(value: unknown): Normalized {
	const code = referenceCode(value);
	const plain = code === undefined ? value : code;
	if (plain === null || plain === undefined) return { kind: 'empty' };
	if (typeof plain === 'boolean') return { kind: 'boolean', value: plain };
	if (typeof plain === 'number')
		return Number.isFinite(plain) ? { kind: 'number', value: plain, text: String(plain) } : { kind: 'empty' };
	if (typeof plain === 'bigint') return { kind: 'number', value: Number(plain), text: plain.toString() };
	const text = (typeof plain === 'string' ? plain : JSON.stringify(plain)).trim();
	return text === '' ? { kind: 'empty' } : { kind: 'text', text };
}

const TRUE_TEXTS = new Set(['true', '1']);
const FALSE_TEXTS = new Set(['false', '0']);

function asBoolean(value: Normalized): boolean | undefined {
	if (value.kind === 'boolean') return value.value;
	if (value.kind === 'number') return value.value === 1 ? true : value.value === 0 ? false : undefined;
	if (value.kind === 'text') {
		const lower = value.text.toLowerCase();
		return TRUE_TEXTS.has(lower) ? true : FALSE_TEXTS.has(lower) ? false : undefined;
	}
	return undefined;
}

/** Whether a numeric text equals a JSON number: exactly as integers (19-digit ids arrive as text), else by value. */
function numberEqualsText(value: number, valueText: string, text: string): boolean {
	if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return false;
	if (/^-?\d+$/.test(valueText) && /^[-+]?\d+$/.test(text)) {
		return BigInt(valueText) === BigInt(text.replace(/^\+/, ''));
	}
	return Number(text) === value;
}

/**
 * Whether two values are equal under the loose rules entry rows and read-backs still use: text trimmed, numeric text
 * equal to a JSON number by value, booleans equal to "true"/"false"/1/0, dates normalised. Head fields are compared by
 * their kind (`storedValueEquals`). `caseInsensitive` is set for numbers and reference codes.
 */
export function valuesEqual(sent: unknown, stored: unknown, caseInsensitive = false): boolean {
	const a = normalize(sent);
	const b = normalize(stored);
	if (a.kind === 'empty' || b.kind === 'empty') return a.kind === b.kind;
	if (a.kind === 'boolean' || b.kind === 'boolean') {
		const left = asBoolean(a);
		return left !== undefined && left === asBoolean(b);
	}
	if (a.kind === 'number' && b.kind === 'number') return a.value === b.value;
	if (a.kind === 'number' && b.kind === 'text') return numberEqualsText(a.value, a.text, b.text);
	if (a.kind === 'text' && b.kind === 'number') return numberEqualsText(b.value, b.text, a.text);
	const left = (a as { text: string }).text;
	const right = (b as { text: string }).text;
	if (left === right) return true;
	if (caseInsensitive && left.toUpperCase() === right.toUpperCase()) return true;
	const leftDate = normalizeDateTime(left);
	return leftDate !== undefined && leftDate === normalizeDateTime(right);
}

const isEmptyValue = (value: unknown) => value === null || value === undefined || value === '';

/** A scalar as the text a text field would keep (JSON text for numbers and booleans); undefined for structures. */
function scalarText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
	return undefined;
}

const NUMERIC_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER_TEXT = /^[-+]?\d+$/;

/** Decimals and integers by value: integers exactly (as text, so 19-digit ids stay exact), others as numbers. */
function numericEqual(sent: unknown, stored: unknown): boolean {
	const left = scalarText(sent)?.trim();
	const right = scalarText(stored)?.trim();
	if (left === undefined || right === undefined || !NUMERIC_TEXT.test(left) || !NUMERIC_TEXT.test(right))
		return left !== undefined && left === right;
	if (INTEGER_TEXT.test(left) && INTEGER_TEXT.test(right))
		return BigInt(left.replace(/^\+/, '')) === BigInt(right.replace(/^\+/, ''));
	return Number(left) === Number(right);
}

/** A check box value as Kingdee reads it: true/false in any case, 1/0; undefined for anything else. */
function checkBoxValue(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	const text = scalarText(value)?.trim().toLowerCase();
	return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : undefined;
}

/** Same JSON type and same value (a JSON number and a bigint are both numbers). */
function strictlyEqual(sent: unknown, stored: unknown): boolean {
	const family = (value: unknown) => (typeof value === 'bigint' ? 'number' : typeof value);
	if (family(sent) !== family(stored)) return false;
	if (typeof sent === 'number' || typeof sent === 'bigint') return numericEqual(sent, stored);
	return sent === stored;
}

/**
 * Whether a Save of `sent` would leave the value Kingdee holds as it is, by the field's kind (the rules at the top of
 * this file; docs/kingdee-webapi.md#comparison-rules). References compare by code whatever the kind.
 */
export function storedValueEquals(sent: unknown, stored: unknown, kind: FieldKind, caseInsensitive = false): boolean {
	if (kind === 'baseData' || referenceCode(sent) !== undefined) return valuesEqual(sent, stored, true);
	if (isEmptyValue(sent) || isEmptyValue(stored)) return isEmptyValue(sent) && isEmptyValue(stored);
	switch (kind) {
		case 'text': {
			const left = scalarText(sent);
			return left !== undefined && left === scalarText(stored);
		}
		case 'decimal':
			return numericEqual(sent, stored);
		case 'date': {
			const left = typeof sent === 'string' ? normalizeDateTime(sent.trim()) : undefined;
			const right = typeof stored === 'string' ? normalizeDateTime(stored.trim()) : undefined;
			return left !== undefined ? left === right : strictlyEqual(sent, stored);
		}
		case 'boolean': {
			const left = checkBoxValue(sent);
			return left !== undefined ? left === checkBoxValue(stored) : strictlyEqual(sent, stored);
		}
		default:
			return (
				strictlyEqual(sent, stored) ||
				(caseInsensitive &&
					typeof sent === 'string' &&
					typeof stored === 'string' &&
					sent.toUpperCase() === stored.toUpperCase())
			);
	}
}

/** Whether a plan has a change that the loose rules (`valuesEqual`) would call equal: only the field's kind decides. */
export function hasLooseOnlyChange(plan: PlannedPackage): boolean {
	return plan.changes.some((change) => valuesEqual(plan.model[change.field], change.before));
}

/** Values as shown in a plan or an error: references as their code. */
export function displayValue(value: unknown): unknown {
	const code = referenceCode(value);
	return code === undefined ? (value === undefined ? null : value) : code;
}

/**
 * Compares one package with the record Kingdee holds. Fields the query could not read (unknown to the
 * form, or over the column limit) are unverifiable.
 */
export function comparePackage(
	model: Record<string, unknown>,
	existing: ExistingRecord,
	settings: {
		primaryKeyField: string;
		numberField: string;
		unreadable: ReadonlyMap<string, string>;
		notApplied?: NotAppliedRule;
		/** Head field kinds by lower-cased key (formMetadata.ts#headFieldKinds); absent: every field is `unknown`. */
		fieldKinds?: ReadonlyMap<string, FieldKind>;
	},
): { changes: FieldChange[]; unverifiable: UnverifiableField[] } {
	const described = describePackageFields(model, settings.primaryKeyField, settings.numberField);
	const applied = ({ field }: { field: string }) => settings.notApplied?.(field) === undefined;
	const readable = described.readable.filter(applied);
	const unverifiable = described.unverifiable.filter(applied);
	const changes: FieldChange[] = [];
	for (const { field, queryKey, caseInsensitive } of readable) {
		const lowerKey = queryKey.toLowerCase();
		if (field.toLowerCase() === settings.numberField.toLowerCase()) {
			// Matched by the number rule; a different case is still a change to send (surrounding spaces are not).
			const sentText = String(displayValue(model[field])).trim();
			if (sentText !== existing.number) changes.push({ field, before: existing.number, after: sentText });
			continue;
		}
		const why = settings.unreadable.get(lowerKey);
		if (why !== undefined) {
			unverifiable.push({ field, reason: why });
			continue;
		}
		const storedKey = Object.keys(existing.values).find((key) => key.toLowerCase() === lowerKey);
		if (storedKey === undefined) {
			unverifiable.push({ field, reason: `${queryKey} was not read back` });
			continue;
		}
		const stored = existing.values[storedKey];
		const kind = settings.fieldKinds?.get(field.toLowerCase()) ?? 'unknown';
		if (!storedValueEquals(model[field], stored, kind, caseInsensitive)) {
			changes.push({ field, before: stored ?? null, after: displayValue(model[field]) });
		}
	}
	return { changes, unverifiable };
}

/** Numbers given to more than one package (matched by the number rule); such packages are never sent. */
export function findDuplicateNumbers(numbers: Array<string | undefined>): DuplicateNumber[] {
	const byKey = new Map<string, DuplicateNumber>();
	numbers.forEach((number, index) => {
		if (number === undefined) return;
		const key = numberKey(number);
		const entry = byKey.get(key);
		if (entry) entry.indices.push(index);
		else byKey.set(key, { number, indices: [index] });
	});
	return [...byKey.values()].filter((entry) => entry.indices.length > 1);
}

/** Why a Save leaves `field` as it is (undefined: the field is applied). */
type NotAppliedRule = (field: string) => string | undefined;

/** Status fields change only through Submit/Audit/UnAudit and Forbid/Enable, never through Save (docs/kingdee-webapi.md#status-flow). */
const STATUS_FIELDS = new Set(['fdocumentstatus', 'fforbidstatus']);

/**
 * The fields a Save of these settings does not change: status fields, and with Fields to Update (NeedUpDateFields) on
 * an update every field outside the list (the number and the internal id excepted).
 */
export function notAppliedRule(settings: {
	numberField: string;
	primaryKeyField: string;
	needUpdateFields?: string[];
}): (field: string, updating: boolean) => string | undefined {
	const listed = new Set((settings.needUpdateFields ?? []).map((field) => field.toLowerCase()));
	const always = new Set([settings.numberField.toLowerCase(), settings.primaryKeyField.toLowerCase()]);
	return (field, updating) => {
		const lower = field.toLowerCase();
		if (STATUS_FIELDS.has(lower))
			return 'a status field: Save does not change it (Auto Submit and Audit, Submit/Audit or Forbid/Enable do)';
		if (updating && listed.size > 0 && !listed.has(lower) && !always.has(lower))
			return 'not in Fields to Update (NeedUpDateFields): an update leaves it as it is';
		return undefined;
	};
}

/** The fields of `model` a Save leaves as they are, with the reason. */
function notAppliedFields(
	model: Record<string, unknown>,
	rule: ((field: string, updating: boolean) => string | undefined) | undefined,
	updating: boolean,
): UnverifiableField[] {
	if (!rule) return [];
	return Object.keys(model).flatMap((field) => {
		const reason = rule(field, updating);
		return reason === undefined ? [] : [{ field, reason }];
	});
}

/**
 * Classifies every package against the records found by number. With `upsert`, a found record makes
 * the package an update of it (or unchanged); without, only packages that carry an internal id are
 * updates and a found number is left for the caller to refuse.
 */
export function planPackages(
	models: Array<Record<string, unknown>>,
	numbers: Array<string | undefined>,
	found: ReadonlyMap<string, ExistingRecord>,
	settings: {
		primaryKeyField: string;
		numberField: string;
		upsert: boolean;
		unreadable: ReadonlyMap<string, string>;
		notApplied?: (field: string, updating: boolean) => string | undefined;
		fieldKinds?: ReadonlyMap<string, FieldKind>;
	},
): PlannedPackage[] {
	const rule = settings.notApplied;
	return models.map((input, index) => {
		const number = numbers[index];
		const existing = number === undefined ? undefined : found.get(numberKey(number));
		if (!settings.upsert || !existing) {
			const action: PlanAction = hasPrimaryKey(input, settings.primaryKeyField) ? 'update' : 'create';
			const notApplied = notAppliedFields(input, rule, action === 'update');
			return { index, number, action, existing, changes: [], unverifiable: [], notApplied, model: input };
		}
		const model = { ...input, [settings.primaryKeyField]: existing.id };
		const notApplied = notAppliedFields(input, rule, true);
		const { changes, unverifiable } = comparePackage(input, existing, {
			...settings,
			notApplied: rule && ((field) => rule(field, true)),
		});
		const action: PlanAction = changes.length === 0 && unverifiable.length === 0 ? 'unchanged' : 'update';
		return { index, number, action, existing, changes, unverifiable, notApplied, model };
	});
}
