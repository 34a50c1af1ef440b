import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	isSaved,
	isUnsaved,
	runBatchSave,
	type BatchSaveSettings,
	type PackageOutcome,
	type UnsavedOutcome,
} from '../protocol/batchSave';
import { primaryKeyFieldFor } from '../protocol/forms';
import { packageNumber } from '../protocol/model';
import { describeCallFailure, errorItem, nodeApiError, toNodeError, whatToDo } from '../helpers/errors';
import {
	buildSaveData,
	modelSourceProperties,
	optionsCollection,
	readTransportOptions,
	saveOptionsCollection,
} from '../helpers/descriptions';
import { applyBaseDataFields, modelReader } from '../helpers/models';
import { getFormId, type KingdeeRun } from '../helpers/run';

const show = { operation: ['batchSave'] };

/**
 * The field's maxValue: larger BatchSave calls risk server timeouts (integration code uses 400,
 * docs/kingdee-webapi.md#batchsave-and-dindex).
 */
const MAX_BATCH_SIZE = 1000;

export const description: INodeProperties[] = [
	...modelSourceProperties(['batchSave'], 'upsert'),
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 100,
		description:
			'Packages per BatchSave call: 1,000 changed items with batch size 100 make 10 calls, shared out over the parallel sessions',
		displayOptions: { show },
	},
	{
		displayName: 'Upsert by Number',
		name: 'upsertByNumber',
		type: 'boolean',
		default: false,
		description:
			'Whether to update records whose number already exists instead of failing as duplicates. Before writing, one query per 1,000 items reads what Kingdee holds; audited records that change are un-audited first (Kingdee refuses to change audited records).',
		displayOptions: { show },
	},
	{
		displayName: 'Skip Unchanged',
		name: 'skipUnchanged',
		type: 'boolean',
		default: true,
		description:
			'Whether to leave out items whose fields already hold the same values in Kingdee. They come out with status "unchanged" and are neither un-audited nor saved. Items with entry rows or fields the query cannot read are always sent.',
		displayOptions: { show: { ...show, upsertByNumber: [true] } },
	},
	{
		displayName: 'Number Field',
		name: 'numberField',
		type: 'string',
		default: 'FNumber',
		description: 'Field holding the business number: FNumber for base data, FBillNo for bills',
		// With Map Fields Below the mapper's match column is the number field.
		displayOptions: { show, hide: { modelSource: ['mapper'] } },
	},
	{
		displayName: 'Primary Key Field',
		name: 'primaryKeyField',
		type: 'string',
		default: '',
		placeholder: 'FCUSTID',
		description:
			'Internal ID field of the form. Leave empty for the known one (BD_Customer FCUSTID, BD_Supplier FSUPPLIERID, BD_MATERIAL FMATERIALID, bills FID).',
		displayOptions: { show },
	},
	saveOptionsCollection(['batchSave'], true),
	optionsCollection(['batchSave'], [
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only plan: every item comes out with status "planned" and the action a real run would take (create, update with the differing fields, unchanged). Nothing is written: no Save, UnAudit, Submit or Audit.',
		},
	]),
];

/** Number Field, or with Map Fields Below the mapper's match column. */
function readNumberField(context: IExecuteFunctions): string {
	if (context.getNodeParameter('modelSource', 0, 'itemJson') === 'mapper') {
		const matching = context.getNodeParameter('fields.matchingColumns', 0, []) as string[];
		return (Array.isArray(matching) ? String(matching[0] ?? '') : '').trim() || 'FNumber';
	}
	return String(context.getNodeParameter('numberField', 0, 'FNumber')).trim() || 'FNumber';
}

/** The error-output item / node error text for a package that was not saved (or whose fate is unknown). */
export function describeOutcomeFailure(
	outcome: UnsavedOutcome,
	itemIndex: number,
	numberField: string,
	formId: string,
): { message: string; details: IDataObject } {
	const which = outcome.number ? `${numberField} "${outcome.number}"` : 'the package';
	if (outcome.status === 'unknown') {
		return {
			message: `Item ${itemIndex}: outcome unknown for ${which} — ${outcome.message}`,
			details: { field: '', number: outcome.number, msgCode: null, outcome: 'unknown', formId },
		};
	}
	const field = outcome.rowErrors.find((row) => row.fieldName)?.fieldName ?? '';
	return {
		message: `Item ${itemIndex}: ${which} was not saved${field ? ` (field ${field})` : ''} — ${outcome.message}. ${whatToDo(outcome.kind)}`,
		details: {
			field,
			number: outcome.number,
			msgCode: outcome.msgCode ?? null,
			outcome: 'failed',
			formId,
			kingdeeErrors: outcome.rowErrors.map((row) => ({ field: row.fieldName, message: row.message })),
		},
	};
}

/** The output item of a package that was saved, left unchanged, or planned. */
function outcomeJson(outcome: Exclude<PackageOutcome, UnsavedOutcome>, formId: string): IDataObject {
	if (outcome.status === 'unchanged') return { status: 'unchanged', Id: outcome.id, Number: outcome.number, formId };
	const json: IDataObject = { status: outcome.status, Id: outcome.id, Number: outcome.number, formId };
	if (outcome.status === 'planned') json.action = outcome.action;
	if (outcome.action !== 'create') {
		json.changes = outcome.changes.map((change) => ({ field: change.field, before: change.before, after: change.after })) as IDataObject[];
	}
	if (outcome.unverifiable.length > 0) {
		// Why an item was sent although nothing comparable differed (entry rows, unreadable fields).
		json.notCompared = outcome.unverifiable.map((entry) => ({ field: entry.field, reason: entry.reason }));
	}
	return json;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const formId = getFormId(this, 0);
	const batchSize = Number(this.getNodeParameter('batchSize', 0, 100));
	if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
		throw new NodeOperationError(
			node,
			`Item 0: Batch Size must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}: set Batch Size to e.g. 100`,
			{ itemIndex: 0, description: 'Batch Size applies to the whole run. Nothing was sent to Kingdee.' },
		);
	}
	const numberField = readNumberField(this);
	const upsertByNumber = this.getNodeParameter('upsertByNumber', 0, false) as boolean;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings: BatchSaveSettings = {
		formId,
		numberField,
		primaryKeyField: primaryKeyFieldFor(formId, this.getNodeParameter('primaryKeyField', 0, '') as string),
		upsertByNumber,
		skipUnchanged: upsertByNumber && (this.getNodeParameter('skipUnchanged', 0, true) as boolean),
		dryRun: options.dryRun === true,
		batchSize,
		maxSends: Math.max(1, Math.floor(readTransportOptions(this).maxTries)),
		stopAtFirstFailure: !run.continueOnFail,
		saveData: buildSaveData(this.getNodeParameter('saveOptions', 0, {}) as IDataObject),
	};

	// Everything about the input is checked before the first request.
	const output: Array<INodeExecutionData | undefined> = new Array(items.length);
	const entries: Array<{ itemIndex: number; model: Record<string, unknown> }> = [];
	const readModel = modelReader(this, items);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let model = readModel(itemIndex);
		if (!(model instanceof NodeOperationError) && upsertByNumber && packageNumber(model, numberField) === undefined) {
			// Upsert finds the record by its number; without one the package could only be created blindly.
			const value = model[numberField];
			model = new NodeOperationError(
				node,
				`Item ${itemIndex}: the Model has ${value === undefined ? 'no' : `no usable (${JSON.stringify(value)})`} ${numberField} (Number Field), which Upsert by Number needs to find the record: map the number into ${numberField}, or set Number Field to the field that holds it`,
				{ itemIndex, description: 'Nothing was sent to Kingdee for this item.' },
			);
		}
		if (model instanceof NodeOperationError) {
			if (!run.continueOnFail) throw model;
			output[itemIndex] = errorItem(itemIndex, model.message, { field: '', number: null, msgCode: null, formId });
			continue;
		}
		entries.push({ itemIndex, model });
	}
	const prepared = await applyBaseDataFields(this, entries, run, formId);

	let outcomes: Array<PackageOutcome | undefined> = [];
	let failure: unknown;
	try {
		outcomes = await runBatchSave(
			run.pool,
			prepared.map((entry) => entry.model),
			settings,
			(position) => `item ${prepared[position].itemIndex}`,
		);
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined && !run.continueOnFail) {
		const firstOpen = prepared.findIndex((_, position) => !outcomes[position]);
		throw toNodeError(node, failure, firstOpen >= 0 ? prepared[firstOpen].itemIndex : undefined);
	}

	if (!run.continueOnFail) {
		const firstFailed = prepared.findIndex((_, position) => {
			const outcome = outcomes[position];
			return outcome !== undefined && isUnsaved(outcome);
		});
		if (firstFailed >= 0) {
			const itemIndex = prepared[firstFailed].itemIndex;
			const { message, details } = describeOutcomeFailure(outcomes[firstFailed] as UnsavedOutcome, itemIndex, numberField, formId);
			const savedBefore = outcomes.filter((outcome) => outcome && isSaved(outcome)).length;
			throw nodeApiError(
				node,
				`${message}${savedBefore > 0 ? ` (${savedBefore} other item(s) were saved; with "On Error: Continue" failed rows go to the error output instead)` : ''}`,
				itemIndex,
				{ itemIndex, ...details },
			);
		}
	}

	prepared.forEach((entry, position) => {
		const outcome = outcomes[position];
		if (!outcome) {
			const { message, details } = describeCallFailure(failure, entry.itemIndex, 'Batch Save');
			output[entry.itemIndex] = errorItem(entry.itemIndex, message, { ...details, number: null, formId });
		} else if (isUnsaved(outcome)) {
			const { message, details } = describeOutcomeFailure(outcome, entry.itemIndex, numberField, formId);
			output[entry.itemIndex] = errorItem(entry.itemIndex, message, details);
		} else {
			output[entry.itemIndex] = { json: outcomeJson(outcome, formId), pairedItem: { item: entry.itemIndex } };
		}
	});
	return output.filter((item): item is INodeExecutionData => item !== undefined);
}
