/**
 * ExecuteBillQuery / BillQuery of the emulator (docs/kingdee-webapi.md#queries): FieldKeys, a SQL-like
 * FilterString, OrderString, TopRowCount, StartRow and Limit (capped at maxQueryLimit). ORG_Organizations and
 * BOS_BillType are queryable too (read-only). A bill queried with an entry field in FieldKeys (`FEntity_FEntryID`,
 * `FMaterialID.FNumber`, `FRealQty`, …) gives one row per entry row, the head's values repeated; without one, one row
 * per bill.
 *
 * FilterString grammar supported: comparisons `= <> != > < >= <=` between a field and a literal
 * (or another field), `[NOT] IN (…)`, `[NOT] LIKE '…'` (% and _ wildcards), `IS [NOT] NULL`, `AND`,
 * `OR`, `NOT` and parentheses. String literals use single quotes with `''` as the escaped quote
 * (an `N'…'` prefix is accepted). Text comparisons are case-insensitive (SQL Server's usual collation); a number compared with numeric
 * text compares as numbers. The array form of FilterString is not supported (reported as a bad filter).
 */
import { getCaseInsensitive, isPlainObject, type FormTable, type KingdeeStore, type StoredRecord } from './store';
import { failureBody, scalarText } from './wire';
import { unknownFormMessage, type FormHandler } from './services/context';

type Getter = (record: StoredRecord) => unknown;

/** Reads a field key (`FNumber`, `FCUSTID`, `FCreateOrgId`, `FCreateOrgId.FNumber`, …); undefined if unknown. */
export function fieldGetter(store: KingdeeStore, table: FormTable, key: string): Getter | undefined {
	const def = table.definition;
	const dot = key.indexOf('.');
	const head = dot < 0 ? key : key.slice(0, dot);
	const base = table.entryField(head) ?? table.knownField(head);
	if (!base) return undefined;
	const isOrg = (def.orgFields ?? ['FCreateOrgId', 'FUseOrgId']).includes(base);
	if (dot < 0) {
		if (base === 'FMasterId') return (r) => r.FMasterId ?? r[def.pkField];
		if (isOrg) return (r) => store.orgByNumber(String(r[base]))?.id ?? 0;
		return (r) => {
			const value = r[base];
			if (isPlainObject(value)) return getCaseInsensitive(value, 'FNumber') ?? null;
			return value === undefined ? null : value;
		};
	}
	const sub = key.slice(dot + 1).toLowerCase();
	if (isOrg) {
		if (sub === 'fnumber') return (r) => r[base] ?? null;
		if (sub === 'fname') return (r) => store.orgByNumber(String(r[base]))?.name ?? null;
		if (sub === 'forgid' || sub === 'fid') return (r) => store.orgByNumber(String(r[base]))?.id ?? 0;
		return undefined;
	}
	if (sub !== 'fnumber' && sub !== 'fname') return undefined;
	return (r) => {
		const value = r[base];
		if (isPlainObject(value)) return getCaseInsensitive(value, sub) ?? null;
		// A reference saved as plain text: its number is that text.
		return sub === 'fnumber' && value !== undefined ? value : null;
	};
}

class FilterError extends Error {}
class UnknownFieldError extends Error {}

type Token =
	| { kind: 'ident'; text: string }
	| { kind: 'string'; value: string }
	| { kind: 'number'; value: number }
	| { kind: 'op'; text: string }
	| { kind: 'punct'; text: '(' | ')' | ',' };

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (/\s/.test(ch)) {
			i++;
		} else if (ch === "'" || ((ch === 'N' || ch === 'n') && text[i + 1] === "'")) {
			i += ch === "'" ? 1 : 2;
			let value = '';
			for (;;) {
				if (i >= text.length) throw new FilterError('字符串常量缺少结束的单引号');
				if (text[i] === "'") {
					if (text[i + 1] === "'") {
						value += "'";
						i += 2;
						continue;
					}
					i++;
					break;
				}
				value += text[i++];
			}
			tokens.push({ kind: 'string', value });
		} else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
			const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
			tokens.push({ kind: 'number', value: Number(match[0]) });
			i += match[0].length;
		} else if (/[A-Za-z_]/.test(ch)) {
			const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
			tokens.push({ kind: 'ident', text: match[0] });
			i += match[0].length;
		} else if (ch === '(' || ch === ')' || ch === ',') {
			tokens.push({ kind: 'punct', text: ch });
			i++;
		} else {
			const match = /^(<>|!=|>=|<=|=|<|>)/.exec(text.slice(i));
			if (!match) throw new FilterError(`无法识别的字符“${ch}”`);
			tokens.push({ kind: 'op', text: match[0] });
			i += match[0].length;
		}
	}
	return tokens;
}

type Predicate = (record: StoredRecord) => boolean;
type Operand = (record: StoredRecord) => unknown;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'is', 'null']);

/** Compares as numbers when one side is a number and the other numeric; otherwise as text. */
function compare(a: unknown, b: unknown): number | undefined {
	if (a === null || a === undefined || b === null || b === undefined) return undefined;
	if (typeof a === 'number' || typeof b === 'number') {
		const na = Number(a);
		const nb = Number(b);
		if (Number.isFinite(na) && Number.isFinite(nb) && String(a).trim() !== '' && String(b).trim() !== '')
			return na - nb;
	}
	const sa = foldCase(typeof a === 'object' ? JSON.stringify(a) : String(a));
	const sb = foldCase(typeof b === 'object' ? JSON.stringify(b) : String(b));
	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Text compares case-insensitively, as under SQL Server's usual collation (docs/kingdee-webapi.md#emulator-choices). */
function foldCase(text: string): string {
	return text.toLowerCase();
}

const isNumericText = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

/**
 * `value IN (literals)` by set look-ups, equal to `literals.some((l) => compare(value, l) === 0)` for
 * text and numbers; undefined (use `compare`) for other values.
 */
function constantMembership(literals: Array<string | number>): (value: unknown) => boolean | undefined {
	const texts = new Set<string>();
	const numericTexts = new Set<number>();
	const numbers = new Set<number>();
	const numberTexts = new Set<string>();
	for (const literal of literals) {
		if (typeof literal === 'number') {
			numbers.add(literal);
			numberTexts.add(String(literal));
		} else {
			texts.add(foldCase(literal));
			if (isNumericText(literal)) numericTexts.add(Number(literal));
		}
	}
	return (value) => {
		if (value === null || value === undefined) return false;
		if (typeof value === 'number') {
			if (!Number.isFinite(value)) return undefined;
			// A number against numeric text or a number compares as numbers; against other text as text.
			return numbers.has(value) || numericTexts.has(value) || texts.has(String(value));
		}
		if (typeof value === 'string') {
			if (texts.has(foldCase(value))) return true;
			return isNumericText(value) ? numbers.has(Number(value)) : numberTexts.has(value);
		}
		return undefined;
	};
}

function likePattern(pattern: string): RegExp {
	let source = '';
	for (const ch of pattern) {
		if (ch === '%') source += '.*';
		else if (ch === '_') source += '.';
		else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${source}$`, 'is');
}

class FilterParser {
	private position = 0;

	constructor(
		private readonly tokens: Token[],
		private readonly resolve: (key: string) => Getter,
	) {}

	parse(): Predicate {
		const predicate = this.orExpression();
		if (this.position < this.tokens.length) throw new FilterError('过滤条件在结尾处有多余的内容');
		return predicate;
	}

	private peek(): Token | undefined {
		return this.tokens[this.position];
	}

	private isKeyword(word: string): boolean {
		const token = this.peek();
		return token?.kind === 'ident' && token.text.toLowerCase() === word;
	}

	private expectKeyword(word: string): void {
		if (!this.isKeyword(word)) throw new FilterError(`此处应为 ${word.toUpperCase()}`);
		this.position++;
	}

	private isPunct(text: string): boolean {
		const token = this.peek();
		return token?.kind === 'punct' && token.text === text;
	}

	private expectPunct(text: string): void {
		if (!this.isPunct(text)) throw new FilterError(`此处应为“${text}”`);
		this.position++;
	}

	private orExpression(): Predicate {
		const parts = [this.andExpression()];
		while (this.isKeyword('or')) {
			this.position++;
			parts.push(this.andExpression());
		}
		return parts.length === 1 ? parts[0] : (r) => parts.some((p) => p(r));
	}

	private andExpression(): Predicate {
		const parts = [this.unary()];
		while (this.isKeyword('and')) {
			this.position++;
			parts.push(this.unary());
		}
		return parts.length === 1 ? parts[0] : (r) => parts.every((p) => p(r));
	}

	private unary(): Predicate {
		if (this.isKeyword('not')) {
			this.position++;
			const inner = this.unary();
			return (r) => !inner(r);
		}
		if (this.isPunct('(')) {
			this.position++;
			const inner = this.orExpression();
			this.expectPunct(')');
			return inner;
		}
		return this.comparison();
	}

	private operand(): Operand {
		const token = this.peek();
		if (!token) throw new FilterError('过滤条件不完整');
		this.position++;
		if (token.kind === 'string' || token.kind === 'number') {
			const value = token.value;
			return () => value;
		}
		if (token.kind === 'ident' && !KEYWORDS.has(token.text.toLowerCase())) return this.resolve(token.text);
		throw new FilterError('此处应为字段名或常量');
	}

	private comparison(): Predicate {
		const left = this.operand();
		let negate = false;
		if (this.isKeyword('is')) {
			this.position++;
			if (this.isKeyword('not')) {
				this.position++;
				negate = true;
			}
			this.expectKeyword('null');
			return (r) => {
				const value = left(r);
				return (value === null || value === undefined) !== negate;
			};
		}
		if (this.isKeyword('not')) {
			this.position++;
			negate = true;
		}
		if (this.isKeyword('in')) return this.inList(left, negate);
		if (this.isKeyword('like')) return this.like(left, negate);
		if (negate) throw new FilterError('NOT 后应为 IN 或 LIKE');
		const token = this.peek();
		if (token?.kind !== 'op') throw new FilterError('此处应为比较运算符');
		this.position++;
		const right = this.operand();
		const op = token.text;
		return (r) => {
			const c = compare(left(r), right(r));
			if (c === undefined) return false;
			switch (op) {
				case '=':
					return c === 0;
				case '<>':
				case '!=':
					return c !== 0;
				case '>':
					return c > 0;
				case '<':
					return c < 0;
				case '>=':
					return c >= 0;
				default:
					return c <= 0;
			}
		};
	}

	/** `IN (…)` after the left operand; the keyword is next. */
	private inList(left: Operand, negate: boolean): Predicate {
		this.position++;
		this.expectPunct('(');
		const literals: Array<string | number> = [];
		const values: Operand[] = [];
		const nextValue = () => {
			const token = this.peek();
			if (token && (token.kind === 'string' || token.kind === 'number')) literals.push(token.value);
			values.push(this.operand());
		};
		nextValue();
		while (this.isPunct(',')) {
			this.position++;
			nextValue();
		}
		this.expectPunct(')');
		// A list of constants (the usual `FNumber IN ('A','B',…)` of thousands) is matched through sets,
		// with exactly the results of `compare`; a list naming fields is compared one by one.
		const member = literals.length === values.length ? constantMembership(literals) : undefined;
		return (r) => {
			const value = left(r);
			const found = member?.(value) ?? values.some((v) => compare(value, v(r)) === 0);
			return found !== negate;
		};
	}

	/** `LIKE '…'` after the left operand; the keyword is next. */
	private like(left: Operand, negate: boolean): Predicate {
		this.position++;
		const token = this.peek();
		if (token?.kind !== 'string') throw new FilterError('LIKE 后应为字符串常量');
		this.position++;
		const pattern = likePattern(token.value);
		return (r) => {
			const value = left(r);
			return (value !== null && value !== undefined && pattern.test(String(value))) !== negate;
		};
	}
}

export interface QueryOptions {
	maxQueryLimit: number;
}

type Failure = { failure: Record<string, unknown> };

/** The form and the getters of FieldKeys, or the failure of a missing or unknown one. */
function readFieldKeys(
	store: KingdeeStore,
	data: Record<string, unknown>,
): { table: FormTable; keys: string[]; getters: Getter[] } | Failure {
	const formId = scalarText(getCaseInsensitive(data, 'FormId'))?.trim() ?? '';
	if (!formId) return { failure: failureBody(8, 'data 数据包中的参数 FormId 的值不能为空') };
	const table = store.queryTable(formId);
	if (!table) return { failure: failureBody(4, unknownFormMessage(formId)) };
	const keys = (scalarText(getCaseInsensitive(data, 'FieldKeys')) ?? '')
		.split(',')
		.map((k) => k.trim())
		.filter((k) => k !== '');
	if (keys.length === 0) return { failure: failureBody(8, 'data 数据包中的参数 FieldKeys 的值不能为空') };
	const getters: Getter[] = [];
	for (const key of keys) {
		const getter = fieldGetter(store, table, key);
		if (!getter) return { failure: failureBody(9, `元数据中标识为${key}的字段不存在`) };
		getters.push(getter);
	}
	return { table, keys, getters };
}

/**
 * Rows of a bill with entries: one per entry row, the head's values repeated (docs/kingdee-webapi.md#sal_outstock);
 * a bill without rows gives one row with empty entry fields.
 */
function entryRows(table: FormTable, record: StoredRecord): StoredRecord[] {
	const rows = record[table.definition.entity!.key];
	if (!Array.isArray(rows) || rows.length === 0) return [record];
	return rows.map((row: StoredRecord) => ({ ...record, ...row }));
}

/**
 * The rows FilterString keeps (all without one), or the failure of a bad filter (MsgCode 4). With `entryLevel` the
 * rows are entry rows; otherwise a filter naming an entry field keeps a bill when one of its entry rows matches.
 */
function filterRows(
	store: KingdeeStore,
	table: FormTable,
	filter: unknown,
	records: StoredRecord[],
	entryLevel: boolean,
): StoredRecord[] | Failure {
	const expand = (list: StoredRecord[]) => (entryLevel ? list.flatMap((r) => entryRows(table, r)) : list);
	if (filter === undefined || filter === null || filter === '' || (Array.isArray(filter) && filter.length === 0))
		return expand(records);
	try {
		if (typeof filter !== 'string') throw new FilterError('模拟器只支持字符串形式的 FilterString');
		if (filter.trim() === '') return expand(records);
		let namesEntryField = false;
		const predicate = new FilterParser(tokenize(filter), (key) => {
			const getter = fieldGetter(store, table, key);
			if (!getter) throw new UnknownFieldError(key);
			if (table.entryField(key.split('.')[0])) namesEntryField = true;
			return getter;
		}).parse();
		// Head-only filters run before the rows are expanded (50,000 bills, a few IN lists per run).
		if (!namesEntryField) return expand(records.filter(predicate));
		if (entryLevel) return expand(records).filter(predicate);
		return records.filter((record) => entryRows(table, record).some(predicate));
	} catch (error) {
		const detail =
			error instanceof UnknownFieldError
				? `字段“${error.message}”不存在`
				: error instanceof FilterError
					? error.message
					: '过滤条件无法解析';
		return { failure: failureBody(4, `GetRealExpress error：过滤条件“FilterString”不正确（${detail}）`) };
	}
}

const NUMBER_LIST =
	/^\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s+IN\s*\(((?:\s*N?'(?:[^']|'')*'\s*,?)+)\)\s*\)?\s*(AND\b.*)?$/is;

/**
 * The records a filter that starts with `<number field> IN ('…', …)` (ANDed with anything but OR) can match, through
 * the number index: the lookups of Batch Save read 1,000 numbers of 50,000 bills at a time, and a scan per lookup
 * makes a run quadratic. The whole filter still decides on these records; undefined for any other filter.
 */
function numberListCandidates(table: FormTable, filter: unknown): StoredRecord[] | undefined {
	if (typeof filter !== 'string') return undefined;
	const match = NUMBER_LIST.exec(filter);
	if (!match || table.knownField(match[1]) !== table.definition.numberField) return undefined;
	if (match[3] && /\bOR\b/i.test(match[3])) return undefined;
	const ids = new Set<number>();
	for (const literal of match[2].matchAll(/N?'((?:[^']|'')*)'/g)) {
		for (const record of table.findAllByNumber(literal[1].replace(/''/g, "'"))) ids.add(table.idOf(record));
	}
	return Array.from(ids)
		.sort((a, b) => a - b)
		.map((id) => table.get(id)!);
}

/** The records in OrderString order (stable), or the failure of an unknown field or a bad direction. */
function orderRecords(
	store: KingdeeStore,
	table: FormTable,
	orderText: string,
	records: StoredRecord[],
): StoredRecord[] | Failure {
	if (!orderText) return records;
	const orderings: Array<{ getter: Getter; sign: number }> = [];
	for (const part of orderText.split(',')) {
		const [field, direction = 'ASC', ...rest] = part.trim().split(/\s+/);
		const dir = direction.toUpperCase();
		const getter = fieldGetter(store, table, field);
		if (!getter) return { failure: failureBody(9, `元数据中标识为${field}的字段不存在`) };
		if (rest.length > 0 || (dir !== 'ASC' && dir !== 'DESC')) {
			return { failure: failureBody(4, `排序条件“${orderText}”不正确`) };
		}
		orderings.push({ getter, sign: dir === 'DESC' ? -1 : 1 });
	}
	return records
		.map((record, index) => ({ record, index }))
		.sort((a, b) => {
			for (const { getter, sign } of orderings) {
				const va = getter(a.record);
				const vb = getter(b.record);
				// SQL Server puts NULLs first in ascending order.
				const c = va === null && vb === null ? 0 : va === null ? -1 : vb === null ? 1 : (compare(va, vb) ?? 0);
				if (c !== 0) return c * sign;
			}
			return a.index - b.index;
		})
		.map((entry) => entry.record);
}

/** TopRowCount, then StartRow and Limit (0 = the cap, capped at maxQueryLimit). */
function pageOf<T>(data: Record<string, unknown>, records: T[], options: QueryOptions): T[] {
	const whole = (key: string) => Math.max(0, Math.floor(Number(getCaseInsensitive(data, key)) || 0));
	const top = whole('TopRowCount');
	const selected = top > 0 ? records.slice(0, top) : records;
	const requested = whole('Limit');
	const limit = requested === 0 ? options.maxQueryLimit : Math.min(requested, options.maxQueryLimit);
	return selected.slice(whole('StartRow'), whole('StartRow') + limit);
}

/**
 * Runs a bill query; returns rows (arrays in FieldKeys order, or objects keyed by the FieldKeys
 * strings for BillQuery) or a failure body (the caller wraps failures as `[[…]]`).
 */
export function billQuery(
	store: KingdeeStore,
	rawData: unknown,
	asObjects: boolean,
	options: QueryOptions,
): { rows?: unknown[]; failure?: Record<string, unknown> } {
	if (!isPlainObject(rawData)) return { failure: failureBody(8, 'data 数据包不能为空') };
	const data = rawData;
	const request = readFieldKeys(store, data);
	if ('failure' in request) return request;
	const { table, keys, getters } = request;
	const entryLevel = keys.some((key) => table.entryField(key.split('.')[0]) !== undefined);
	const filter = getCaseInsensitive(data, 'FilterString');
	const filtered = filterRows(store, table, filter, numberListCandidates(table, filter) ?? table.all(), entryLevel);
	if ('failure' in filtered) return filtered;
	const orderText = scalarText(getCaseInsensitive(data, 'OrderString'))?.trim() ?? '';
	const ordered = orderRecords(store, table, orderText, filtered);
	if ('failure' in ordered) return ordered;
	const rows = pageOf(data, ordered, options).map((record) => {
		if (!asObjects) return getters.map((g) => g(record));
		const row: Record<string, unknown> = {};
		keys.forEach((key, index) => (row[key] = getters[index](record)));
		return row;
	});
	return { rows };
}

/** ExecuteBillQuery: rows as arrays; a failure inside two arrays (docs/kingdee-webapi.md#queries). */
export const executeBillQueryService: FormHandler = (ctx, args) => {
	const result = billQuery(ctx.store, args.data, false, ctx);
	return result.rows ?? [[result.failure]];
};

/** BillQuery: rows as objects keyed by the FieldKeys strings. */
export const billQueryService: FormHandler = (ctx, args) => {
	const result = billQuery(ctx.store, args.data, true, ctx);
	return result.rows ?? [[result.failure]];
};
