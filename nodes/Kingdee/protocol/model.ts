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
 * A base-data field that is an object in one package and a plain value in another usually means
 * the mapping is wrong for part of the input; refuse before anything is sent.
 */
export function findBaseDataShapeConflict(
	models: Array<Record<string, unknown>>,
	fields: string[],
): BaseDataShapeConflict | undefined {
	for (const field of fields) {
		let objectIndex = -1;
		let plainIndex = -1;
		models.forEach((model, index) => {
			const key = keyOf(model, field);
			const value = key === undefined ? undefined : model[key];
			if (objectIndex < 0 && isObjectValue(value)) objectIndex = index;
			if (plainIndex < 0 && isPlainValue(value)) plainIndex = index;
		});
		if (objectIndex >= 0 && plainIndex >= 0) return { field, objectIndex, plainIndex };
	}
	return undefined;
}

/**
 * `FCreateOrgId: "100"` → `FCreateOrgId: {"FNumber": "100"}` for each listed base-data (reference)
 * field; objects, null and absent fields are left alone. Returns a new object.
 */
export function wrapBaseDataFields(model: Record<string, unknown>, fields: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = { ...model };
	for (const field of fields) {
		const key = keyOf(out, field);
		if (key !== undefined && isPlainValue(out[key])) out[key] = { FNumber: out[key] };
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
