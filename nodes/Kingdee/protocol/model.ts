/** Building Model packages from input items. Pure. */
import { splitList } from '../../common/list';

/**
 * `"FCreateOrgId, FUseOrgId"` → ['FCreateOrgId','FUseOrgId'] (duplicates dropped). Full-width separators (，；、), as
 * a Chinese input method types them, separate too.
 */
export function parseFieldList(text: string | undefined): string[] {
	return [...new Set(splitList(text, /[,;\n，；、]/))];
}

/** The key of `model` that is `field`, compared case-insensitively (a list typed `fuseorgid` means FUseOrgId). */
function keyOf(model: Record<string, unknown>, field: string): string | undefined {
	if (field in model) return field;
	const lower = field.toLowerCase();
	return Object.keys(model).find((key) => key.toLowerCase() === lower);
}

function isPlainValue(value: unknown): value is string | number | boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isObjectValue(value: unknown): boolean {
	return value !== null && typeof value === 'object';
}

export interface BaseDataShapeConflict {
	field: string;
	/** Position (in the given list) of a package where the field is an object. */
	objectIndex: number;
	/** Position of a package where it is a plain value. */
	plainIndex: number;
}

/**
 * Entry rows (表体): a list whose elements are all objects keyed by Kingdee field keys (`F…`). A multi-language list
 * (`[{"Key": 2052, "Value": …}]`) is not one. An empty list counts: `FEntity: []` names the entry without rows.
 */
export function isEntryRows(value: unknown): value is Array<Record<string, unknown>> {
	return (
		Array.isArray(value) &&
		value.every(
			(row) =>
				row !== null &&
				typeof row === 'object' &&
				!Array.isArray(row) &&
				Object.keys(row as object).every((key) => /^F/i.test(key)),
		)
	);
}

/** `FEntity.FMaterialID` → { entity: 'FEntity', field: 'FMaterialID' }; a head field → { field }. */
function splitFieldPath(path: string): { entity?: string; field: string } {
	const dot = path.indexOf('.');
	return dot < 0 ? { field: path } : { entity: path.slice(0, dot), field: path.slice(dot + 1) };
}

/** The holders of a (possibly entry) field in one package: the package itself, or each of its entry rows. */
function holdersOf(model: Record<string, unknown>, path: string): Array<Record<string, unknown>> {
	const { entity, field } = splitFieldPath(path);
	if (entity === undefined) return [model];
	const key = keyOf(model, entity);
	const rows = key === undefined ? undefined : model[key];
	return isEntryRows(rows) && field !== '' ? rows : [];
}

/**
 * A base-data field that is an object in one package (or entry row) and a plain value in another usually means the
 * mapping is wrong for part of the input; refuse before anything is sent. Entry fields are named `FEntity.FMaterialID`.
 */
export function findBaseDataShapeConflict(
	models: Array<Record<string, unknown>>,
	fields: string[],
): BaseDataShapeConflict | undefined {
	for (const path of fields) {
		const { field } = splitFieldPath(path);
		let objectIndex = -1;
		let plainIndex = -1;
		models.forEach((model, index) => {
			for (const holder of holdersOf(model, path)) {
				const key = keyOf(holder, field);
				const value = key === undefined ? undefined : holder[key];
				if (objectIndex < 0 && isObjectValue(value)) objectIndex = index;
				if (plainIndex < 0 && isPlainValue(value)) plainIndex = index;
			}
		});
		if (objectIndex >= 0 && plainIndex >= 0) return { field: path, objectIndex, plainIndex };
	}
	return undefined;
}

/**
 * A Base-Data Fields name without its entry prefix for a field that lives in entry rows (e.g. `FMaterialID` for
 * `FEntity.FMaterialID`): known as an entry field of the form (`entryOnly`, lower-cased key → entry), or found in
 * some package's entry rows and at no package's head. Such a name would wrap nothing.
 */
export function findUnprefixedEntryField(
	models: Array<Record<string, unknown>>,
	fields: string[],
	entryOnly: ReadonlyMap<string, string>,
): { field: string; entity: string } | undefined {
	for (const field of fields) {
		if (field.includes('.')) continue;
		const lower = field.toLowerCase();
		const known = entryOnly.get(lower);
		if (known !== undefined) return { field, entity: known };
		const hasKey = (holder: Record<string, unknown>) => Object.keys(holder).some((key) => key.toLowerCase() === lower);
		if (models.some(hasKey)) continue;
		for (const model of models) {
			for (const [entity, rows] of Object.entries(model)) {
				if (isEntryRows(rows) && rows.some(hasKey)) return { field, entity };
			}
		}
	}
	return undefined;
}

/**
 * `FCreateOrgId: "100"` → `FCreateOrgId: {"FNumber": "100"}` for each listed base-data (reference) field, and
 * `FEntity.FMaterialID` for that field in every row of entry FEntity; objects, null and absent fields are left alone.
 * Returns a new object (entry rows copied where they change).
 */
export function wrapBaseDataFields(model: Record<string, unknown>, fields: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = { ...model };
	for (const path of fields) {
		const { entity, field } = splitFieldPath(path);
		if (entity === undefined) {
			const key = keyOf(out, field);
			if (key !== undefined && isPlainValue(out[key])) out[key] = { FNumber: out[key] };
			continue;
		}
		const entityKey = keyOf(out, entity);
		const rows = entityKey === undefined ? undefined : out[entityKey];
		if (entityKey === undefined || !isEntryRows(rows)) continue;
		out[entityKey] = rows.map((row) => {
			const key = keyOf(row, field);
			return key !== undefined && isPlainValue(row[key]) ? { ...row, [key]: { FNumber: row[key] } } : row;
		});
	}
	return out;
}

/** The package's number as text, or undefined when it has none (e.g. bills numbered by the server). */
export function packageNumber(model: Record<string, unknown>, numberField: string): string | undefined {
	const value = model[numberField];
	if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
	if (typeof value === 'number') return String(value);
	return undefined;
}

/** True when the package names an existing record (non-zero internal id) and so modifies it. */
export function hasPrimaryKey(model: Record<string, unknown>, primaryKeyField: string): boolean {
	const value = model[primaryKeyField];
	if (value === undefined || value === null || value === '') return false;
	return String(value).trim() !== '0';
}

/** n8n's resource-mapper value, as far as building a Model needs it (this module imports no n8n). */
export interface MapperValue {
	mappingMode?: string;
	value?: Record<string, unknown> | null;
	schema?: Array<{ id: string; removed?: boolean }>;
	/** The mapped values as written in the node, before expressions are resolved (`=…` marks an expression). */
	written?: Record<string, unknown> | null;
}

const isEmptyValue = (value: unknown) => value === null || value === undefined || value === '';
const isExpression = (written: unknown) => typeof written === 'string' && written.startsWith('=');

/**
 * The Model package from the mapper: the values mapped below, or with "Map Automatically" the item's keys that are
 * fields of the form. Empty means clear (README, "Batch Save"): a field mapped to an expression that gives "" or null
 * is sent, so Kingdee clears it; a field left blank in the mapper is not sent. With Map Automatically a key present in
 * the item is sent whatever its value, as with Whole Input Item.
 */
export function mapperModel(mapping: MapperValue, itemJson: Record<string, unknown>): Record<string, unknown> {
	if (mapping.mappingMode === 'autoMapInputData') {
		const known = new Set((mapping.schema ?? []).filter((field) => !field.removed).map((field) => field.id));
		return Object.fromEntries(Object.entries(itemJson).filter(([key]) => known.has(key)));
	}
	const written = mapping.written ?? {};
	return Object.fromEntries(
		Object.entries(mapping.value ?? {}).filter(([key, value]) => !isEmptyValue(value) || isExpression(written[key])),
	);
}
