import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { saveBatch, type BatchSaveSettings, type PackageOutcome } from '../protocol/batchSave';
import { primaryKeyFieldFor } from '../protocol/forms';
import { describeCallFailure, errorItem, nodeApiError, toNodeError, whatToDo } from '../helpers/errors';
import { buildSaveData, modelSourceProperties, optionsCollection, saveOptionsCollection } from '../helpers/descriptions';
import { applyBaseDataFields, readModel } from '../helpers/models';
import { getFormId, type KingdeeRun } from '../helpers/run';

const show = { operation: ['batchSave'] };

export const description: INodeProperties[] = [
	...modelSourceProperties(['batchSave']),
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 20,
		description: 'Packages per BatchSave call: 1,000 items with batch size 20 make 50 calls',
		displayOptions: { show },
	},
	{
		displayName: 'Upsert by Number',
		name: 'upsertByNumber',
		type: 'boolean',
		default: false,
		description:
			'Whether to update records whose number already exists instead of failing as duplicates. One query per batch finds the existing internal IDs; audited records are un-audited first (Kingdee refuses to change audited records).',
		displayOptions: { show },
	},
	{
		displayName: 'Number Field',
		name: 'numberField',
		type: 'string',
		default: 'FNumber',
		description: 'Field holding the business number: FNumber for base data, FBillNo for bills',
		displayOptions: { show },
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
	optionsCollection(['batchSave']),
];

export function isSaved(outcome: PackageOutcome): outcome is Extract<PackageOutcome, { status: 'created' | 'updated' }> {
	return outcome.status === 'created' || outcome.status === 'updated';
}

/** The error-output item / node error text for a package that was not saved (or whose fate is unknown). */
export function describeOutcomeFailure(
	outcome: Exclude<PackageOutcome, { status: 'created' | 'updated' }>,
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

const STOP = Symbol('stop after the first failed batch');

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const formId = getFormId(this, 0);
	const batchSize = Number(this.getNodeParameter('batchSize', 0, 20));
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new NodeOperationError(node, `Batch Size must be a whole number of at least 1, got ${batchSize}`, {
			itemIndex: 0,
		});
	}
	const numberField = String(this.getNodeParameter('numberField', 0, 'FNumber')).trim() || 'FNumber';
	const settings: BatchSaveSettings = {
		formId,
		numberField,
		primaryKeyField: primaryKeyFieldFor(formId, this.getNodeParameter('primaryKeyField', 0, '') as string),
		upsertByNumber: this.getNodeParameter('upsertByNumber', 0, false) as boolean,
		saveData: buildSaveData(this.getNodeParameter('saveOptions', 0, {}) as IDataObject),
	};

	// Everything about the input is checked before the first request.
	const output: Array<INodeExecutionData | undefined> = new Array(items.length);
	const entries: Array<{ itemIndex: number; model: Record<string, unknown> }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const model = readModel(this, items, itemIndex);
		if (model instanceof NodeOperationError) {
			if (!run.continueOnFail) throw model;
			output[itemIndex] = errorItem(itemIndex, model.message, { field: '', number: null, msgCode: null, formId });
			continue;
		}
		entries.push({ itemIndex, model });
	}
	const prepared = applyBaseDataFields(this, entries);
	const batches: Array<typeof prepared> = [];
	for (let start = 0; start < prepared.length; start += batchSize) batches.push(prepared.slice(start, start + batchSize));

	const outcomes = new Map<number, PackageOutcome>();
	let failure: unknown;
	try {
		await run.pool.forEach(batches, async (batch, session) => {
			const results = await saveBatch(
				session,
				batch.map((entry) => entry.model),
				settings,
			);
			results.forEach((outcome, position) => outcomes.set(batch[position].itemIndex, outcome));
			// Without "continue on fail" the node stops at the first failed row: send no further batches.
			if (!run.continueOnFail && results.some((outcome) => !isSaved(outcome))) throw STOP;
		});
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined && failure !== STOP && !run.continueOnFail) {
		const first = batches.find((batch) => batch.some((entry) => !outcomes.has(entry.itemIndex)));
		throw toNodeError(node, failure, first?.find((entry) => !outcomes.has(entry.itemIndex))?.itemIndex);
	}

	if (!run.continueOnFail) {
		const firstFailed = [...outcomes.entries()]
			.filter(([, outcome]) => !isSaved(outcome))
			.sort(([a], [b]) => a - b)[0];
		if (firstFailed) {
			const [itemIndex, outcome] = firstFailed as [number, Exclude<PackageOutcome, { status: 'created' | 'updated' }>];
			const { message, details } = describeOutcomeFailure(outcome, itemIndex, numberField, formId);
			const savedBefore = [...outcomes.values()].filter(isSaved).length;
			throw nodeApiError(
				node,
				`${message}${savedBefore > 0 ? ` (${savedBefore} other item(s) were saved; with "On Error: Continue" failed rows go to the error output instead)` : ''}`,
				itemIndex,
				{ itemIndex, ...details },
			);
		}
	}

	for (const entry of prepared) {
		const outcome = outcomes.get(entry.itemIndex);
		if (!outcome) {
			const { message, details } = describeCallFailure(failure, entry.itemIndex, 'Batch Save');
			output[entry.itemIndex] = errorItem(entry.itemIndex, message, { ...details, number: null, formId });
		} else if (isSaved(outcome)) {
			output[entry.itemIndex] = {
				json: { status: outcome.status, Id: outcome.id, Number: outcome.number, formId },
				pairedItem: { item: entry.itemIndex },
			};
		} else {
			const { message, details } = describeOutcomeFailure(outcome, entry.itemIndex, numberField, formId);
			output[entry.itemIndex] = errorItem(entry.itemIndex, message, details);
		}
	}
	return output.filter((item): item is INodeExecutionData => item !== undefined);
}
