import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { parseJsonLossless } from '../../../common/losslessJson';
import { settle } from '../../../common/settle';
import { isKingdeeApiError } from '../../protocol/errors';
import { baseDataFieldKeys, headFieldKinds, type FieldKind } from '../../protocol/formMetadata';
import { requiredEntryOf } from '../../protocol/forms';
import {
	findBaseDataShapeConflict,
	findUnprefixedEntryField,
	mapperModel,
	parseFieldList,
	wrapBaseDataFields,
	type MapperValue,
} from '../../protocol/model';
import { toNodeError } from '../errors';
import type { KingdeeRun } from '../run';

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A parameter read per item only when it is an expression: resolving a parameter costs n8n far more
 * than our own per-item work, and Model Source / Model Field are almost always fixed.
 */
function perItemParameter(context: IExecuteFunctions, name: string, fallback: string): (itemIndex: number) => string {
	const raw = context.getNode().parameters[name];
	if (typeof raw === 'string' && raw.startsWith('=')) {
		return (itemIndex) => String(context.getNodeParameter(name, itemIndex, fallback));
	}
	const fixed = String(context.getNodeParameter(name, 0, fallback));
	return () => fixed;
}

type ModelReader = (itemIndex: number) => Record<string, unknown> | NodeOperationError;

/** One reader per execution, so Save, which reads one item at a time, resolves the fixed parameters once. */
const readers = new WeakMap<IExecuteFunctions, ModelReader>();

/** Reads the Model package of each input item; see readModel. */
export function modelReader(context: IExecuteFunctions): ModelReader {
	const known = readers.get(context);
	if (known) return known;
	const items = context.getInputData();
	const source = perItemParameter(context, 'modelSource', 'itemJson');
	const modelField = perItemParameter(context, 'modelField', 'Model');
	const reader: ModelReader = (itemIndex) =>
		readModel(context, items, itemIndex, source(itemIndex), modelField(itemIndex));
	readers.set(context, reader);
	return reader;
}

/** The mapper's values as written in the node (expressions unresolved): a blank field and an empty result differ. */
function writtenMapperValues(context: IExecuteFunctions): Record<string, unknown> | null {
	const fields: unknown = context.getNode().parameters.fields;
	const value = isPlainObject(fields) ? fields.value : undefined;
	return isPlainObject(value) ? value : null;
}

/**
 * The mapper's value of one item. Read by its parts, as n8n's own nodes do: n8n then checks `fields.value` against the
 * schema (dropdown values, required fields of Save), and its complaint is returned naming the item.
 */
function readMapping(context: IExecuteFunctions, itemIndex: number): MapperValue | NodeOperationError {
	try {
		const mappingMode = context.getNodeParameter('fields.mappingMode', itemIndex, 'defineBelow') as string;
		return {
			mappingMode,
			value:
				mappingMode === 'autoMapInputData'
					? null
					: (context.getNodeParameter('fields.value', itemIndex, {}) as Record<string, unknown> | null),
			schema: context.getNodeParameter('fields.schema', itemIndex, []) as MapperValue['schema'],
			written: writtenMapperValues(context),
		};
	} catch (error) {
		return new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: Fields (Map Fields Below): n8n refused a mapped value: ${error instanceof Error ? error.message : String(error)}`,
			{ itemIndex, description: 'Fix the mapped value (or choose it from the dropdown). Nothing was sent to Kingdee.' },
		);
	}
}

/** The Model package of item `itemIndex` (a copy), or a NodeOperationError saying what is wrong. */
function readModel(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	source: string,
	modelField: string,
): Record<string, unknown> | NodeOperationError {
	let value: unknown = items[itemIndex].json;
	let where = 'the input item';
	if (source === 'mapper') {
		where = 'Fields (Map Fields Below)';
		const mapping = readMapping(context, itemIndex);
		if (mapping instanceof NodeOperationError) return mapping;
		value = mapperModel(mapping, items[itemIndex].json);
	} else if (source === 'jsonField') {
		const field = modelField.trim() || 'Model';
		where = `field "${field}"`;
		value = items[itemIndex].json[field];
		if (typeof value === 'string') {
			let parsed: unknown;
			try {
				parsed = parseJsonLossless(value);
			} catch {
				parsed = undefined;
			}
			if (parsed === undefined) {
				return new NodeOperationError(
					context.getNode(),
					`Item ${itemIndex}: ${where} is not valid JSON (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}): put the Model object or its JSON text into this field, e.g. {"FNumber":"C001","FName":"…"}`,
					{ itemIndex, description: 'Nothing was sent to Kingdee.' },
				);
			}
			value = parsed;
		}
	}
	if (!isPlainObject(value)) {
		const kind = Array.isArray(value) ? 'an array' : value === undefined ? 'missing' : `a ${typeof value}`;
		return new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: the Model from ${where} is ${kind}, not an object: give one Model package per item as a JSON object, e.g. {"FNumber":"C001","FName":"…"}${source === 'jsonField' ? ', or choose the field that holds it in Model Field' : ''}`,
			{ itemIndex, description: 'Nothing was sent to Kingdee.' },
		);
	}
	if (Object.keys(value).length === 0) {
		return new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: the Model from ${where} is empty ({}): map at least the number and name fields into it`,
			{ itemIndex, description: 'Nothing was sent to Kingdee.' },
		);
	}
	// A shallow copy: the save pipeline adds keys (the internal id) but never changes nested values.
	return { ...value };
}

/**
 * The base-data fields of the run: the typed list, else the head fields of the form's metadata that point at another
 * form (one QueryBusinessInfo per run and form). A login failure stops the run as itself; any other failure to
 * read the metadata says so and how to go on without it.
 */
async function baseDataFieldsOf(
	context: IExecuteFunctions,
	run: KingdeeRun,
	formId: string,
	itemIndex: number,
): Promise<string[]> {
	const typed = parseFieldList(context.getNodeParameter('baseDataFields', itemIndex, '') as string);
	if (typed.length > 0) return typed;
	try {
		return baseDataFieldKeys(await run.formMetadata(formId));
	} catch (error) {
		if (isKingdeeApiError(error) && (error.loginFailed || error.kind === 'auth'))
			throw toNodeError(context.getNode(), error);
		const reason = error instanceof Error ? error.message : String(error);
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: the base-data fields of form ${formId} could not be detected: its metadata could not be read (QueryBusinessInfo: ${reason}). List them in Base-Data Fields, e.g. FCreateOrgId, FUseOrgId, to skip the detection`,
			{
				itemIndex,
				description:
					'The integration user needs the right to view the form; Base-Data Fields, when filled in, is used instead of the metadata. Nothing was saved.',
			},
		);
	}
}

/**
 * The head fields' kinds Batch Save compares by (protocol/savePlan.ts), from the form's metadata: the read of the
 * base-data detection (cached per run, no further call), else one QueryBusinessInfo. Undefined when the metadata cannot
 * be read: every field is then compared strictly (docs/kingdee-webapi.md#comparison-rules).
 */
export async function fieldKindsOf(run: KingdeeRun, formId: string): Promise<Map<string, FieldKind> | undefined> {
	const read = await settle(async () => await run.formMetadata(formId));
	return read.ok ? headFieldKinds(read.value) : undefined;
}

/**
 * Wraps base-data fields of all models; refuses (before any request but the metadata read) a field that is an
 * object in one item and a plain value in another.
 */
export async function applyBaseDataFields(
	context: IExecuteFunctions,
	models: Array<{ itemIndex: number; model: Record<string, unknown> }>,
	run: KingdeeRun,
	formId: string,
): Promise<Array<{ itemIndex: number; model: Record<string, unknown> }>> {
	if (models.length === 0) return models;
	const fields = await baseDataFieldsOf(context, run, formId, models[0].itemIndex);
	if (fields.length === 0) return models;
	const known = requiredEntryOf(formId);
	const unprefixed = findUnprefixedEntryField(
		models.map((entry) => entry.model),
		fields,
		new Map((known?.fields ?? []).map((field) => [field.toLowerCase(), known!.key])),
	);
	if (unprefixed) {
		const { field, entity } = unprefixed;
		throw new NodeOperationError(
			context.getNode(),
			`Item ${models[0].itemIndex}: Base-Data Fields lists ${field}, which is a field of the entry rows (${entity}) of ${formId}: list it as ${entity}.${field}`,
			{
				itemIndex: models[0].itemIndex,
				description: `Entry fields are named with their entry, e.g. ${entity}.${field}; each row's code is then sent as {"FNumber": code}. Nothing was sent to Kingdee.`,
			},
		);
	}
	const conflict = findBaseDataShapeConflict(
		models.map((entry) => entry.model),
		fields,
	);
	if (conflict) {
		const objectItem = models[conflict.objectIndex].itemIndex;
		const plainItem = models[conflict.plainIndex].itemIndex;
		throw new NodeOperationError(
			context.getNode(),
			`Base-data field ${conflict.field} is an object in item ${objectItem} but a plain value in item ${plainItem}`,
			{
				itemIndex: plainItem,
				description: `Give ${conflict.field} the same shape in every item: either the code as text (it is wrapped as {"FNumber": code}) or an object such as {"FNumber": "100"}. Nothing was sent to Kingdee.`,
			},
		);
	}
	return models.map((entry) => ({ itemIndex: entry.itemIndex, model: wrapBaseDataFields(entry.model, fields) }));
}
