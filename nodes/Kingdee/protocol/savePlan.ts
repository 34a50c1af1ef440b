/**
 * Planning a change-aware Batch Save: which fields of the input can be read back with ExecuteBillQuery,
 * how a sent value compares with what Kingdee holds, and the classification of every package as
 * create, update (with the differing fields) or unchanged. Pure: no I/O, no n8n.
 *
 * Comparison rules (the ones a Kingdee user expects to be "the same value"):
 * - text is compared trimmed; null, undefined, '' and whitespace-only text are all "empty";
 * - numbers (the record's own number and base-data reference codes) compare case-insensitively,
 *   because Kingdee resolves and indexes them case-insensitively (SQL Server collation);
 * - a reference `{"FNumber": x}` (any key case) compares with the code `x` read as `<field>.FNumber`;
 * - a JSON number compares with numeric text by value (`1.50` = `"1.5"`), but two texts compare as
 *   text (`"001"` ≠ `"1"`: codes keep their leading zeros);
 * - booleans compare with `"true"`/`"false"`/1/0;
 * - date-times compare after normalising `2024-01-31`, `2024-01-31T00:00:00` and `2024-01-31 00:00:00.000`.
 * Entry rows are compared as a multiset of their mapped fields (batchSave/entries.ts). Anything else (multi-language
 * arrays, objects other than a reference) cannot be compared exactly and makes its package an update, with the reason
 * in the plan.
 */

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
 * Whether the value sent equals the value Kingdee holds, by the rules at the top of this file.
 * `caseInsensitive` is set for numbers and reference codes.
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
		if (!valuesEqual(model[field], stored, caseInsensitive)) {
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
