import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { errorItem } from '../../../shared/errors';
import { readWholeNumber } from '../../../shared/input';
import { batchOperation } from '../../../shared/operation';
import { runBatchSave } from '../../protocol/batchSave';
import {
	isSaved,
	isUnsaved,
	type BatchSaveSettings,
	type IfExists,
	type Outcomes,
	type PackageOutcome,
	type UnsavedOutcome,
} from '../../protocol/batchSave/types';
import { entryInputProblem, entryRowOf } from '../../protocol/batchSave/entries';
import { BASE_DATA_NUMBER_FIELD, numberFieldFor, primaryKeyFieldFor, requiredEntryOf } from '../../protocol/forms';
import { packageNumber } from '../../protocol/model';
import type { KingdeeSession } from '../../protocol/session';
import {
	buildSaveData,
	modelSourceProperties,
	primaryKeyFieldProperty,
	optionsCollection,
	readTransportOptions,
	saveOptionsCollection,
} from '../descriptions';
import { describeCallFailure, nodeApiError, toNodeError, whatToDo } from '../errors';
import { getFormId } from '../parameters';
import type { KingdeeRun } from '../run';
import { applyBaseDataFields, fieldKindsOf, modelReader } from './models';

/**
 * The field's maxValue: larger BatchSave calls risk server timeouts (integration code uses 400,
 * docs/kingdee-webapi.md#batchsave-and-dindex).
 */
const MAX_BATCH_SIZE = 1000;

/** Packages per BatchSave call unless set. */
const DEFAULT_BATCH_SIZE = 100;

const properties: INodeProperties[] = [
	...modelSourceProperties('upsert'),
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_BATCH_SIZE },
		default: DEFAULT_BATCH_SIZE,
		description:
			'Packages per BatchSave call: 1,000 changed items with batch size 100 make 10 calls, shared out over the parallel sessions',
	},
	{
		displayName: 'If Exists',
		name: 'ifExists',
		type: 'options',
		options: [
			{
				name: 'Fail',
				value: 'fail',
				description: 'Send nothing for it; the item goes to the error output as a duplicate number',
			},
			{
				name: 'Skip (Create Once)',
				value: 'skip',
				description:
					'Leave the record as it is: no Save, UnAudit, Submit or Audit; the item comes out with status "exists" and its ID. For bills that must be posted once (e.g. 销售出库单).',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					'Update the record found by its number; audited records that change are un-audited, saved and audited again',
			},
		],
		default: 'fail',
		description:
			'What to do with an item whose number Kingdee already holds. Before writing, one query per 1,000 items reads what Kingdee holds.',
	},
	{
		// Before If Exists: on meant Update. Shown only while on, so a saved workflow keeps its meaning and shows it.
		displayName: 'Upsert by Number (Deprecated)',
		name: 'upsertByNumber',
		type: 'boolean',
		default: false,
		description:
			'Whether to update records whose number already exists: the old form of If Exists = Update, used while If Exists is Fail. Turn it off and choose If Exists instead.',
		displayOptions: { show: { upsertByNumber: [true] } },
	},
	{
		displayName: 'Skip Unchanged',
		name: 'skipUnchanged',
		type: 'boolean',
		default: true,
		description:
			'Whether to leave out items whose fields (and entry rows, compared as a set of rows) already hold the same values in Kingdee. They come out with status "unchanged" and are neither un-audited nor saved. Items with fields the query cannot read are always sent. Applies to updates.',
		displayOptions: { hide: { ifExists: ['skip'] } },
	},
	{
		displayName: 'Number Field',
		name: 'numberField',
		type: 'string',
		default: BASE_DATA_NUMBER_FIELD,
		description: 'Field holding the business number: FNumber for base data, FBillNo for bills',
		// With Map Fields Below the mapper's match column is the number field.
		displayOptions: { hide: { modelSource: ['mapper'] } },
	},
	primaryKeyFieldProperty(
		'Internal ID field of the form. Leave empty for the known one (BD_Customer FCUSTID, BD_Supplier FSUPPLIERID, BD_MATERIAL FMATERIALID, bills FID).',
	),
	saveOptionsCollection(true),
	optionsCollection([
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only plan: every item comes out with status "planned" and the action a real run would take (create, update with the differing fields, unchanged). Nothing is written: no Save, UnAudit, Submit or Audit. A run not started by hand (trigger, schedule, webhook, sub-workflow) fails unless Allow Dry Run in Automatic Runs is on.',
		},
		{
			displayName: 'Allow Dry Run in Automatic Runs',
			name: 'allowDryRunInAutomaticRuns',
			type: 'boolean',
			default: false,
			description:
				'Whether a Dry Run may also end successfully in a run not started by hand (trigger, schedule, webhook, sub-workflow). Off: such a run fails with "Dry Run is on: nothing was written to Kingdee", so a Dry Run left on by mistake cannot look like a sync.',
		},
	]),
];

/** The error-output item / node error text for a package that was not saved (or whose fate is unknown). */
export function describeOutcomeFailure(
	outcome: UnsavedOutcome,
	itemIndex: number,
	numberField: string,
	formId: string,
): { message: string; details: IDataObject & { kind: string; field: string } } {
	const which = outcome.number ? `${numberField} "${outcome.number}"` : 'the package';
	if (outcome.status === 'unknown') {
		return {
			message: `Item ${itemIndex}: outcome unknown for ${which} — ${outcome.message}`,
			details: { kind: 'outcomeUnknown', field: '', number: outcome.number, msgCode: null, outcome: 'unknown', formId },
		};
	}
	const field = outcome.rowErrors.find((error) => error.fieldName)?.fieldName ?? '';
	// A refused bill names the entry row Kingdee's message gives (e.g. an unknown material in row 2).
	const row = outcome.rowErrors.map((error) => entryRowOf(error.message)).find((found) => found !== undefined);
	const where = [row === undefined ? '' : `row ${row}`, field ? `field ${field}` : ''].filter(Boolean).join(', ');
	return {
		message: `Item ${itemIndex}: ${which} was not saved${where ? ` (${where})` : ''} — ${outcome.message}. ${whatToDo(outcome.kind)}`,
		details: {
			kind: outcome.kind,
			field,
			...(row === undefined ? {} : { row }),
			number: outcome.number,
			msgCode: outcome.msgCode ?? null,
			outcome: 'failed',
			formId,
			kingdeeErrors: outcome.rowErrors.map((row) => ({ field: row.fieldName, message: row.message })),
		},
	};
}

/** The output item of a package that was saved, left unchanged, skipped as existing, or planned. */
function outcomeJson(outcome: Exclude<PackageOutcome, UnsavedOutcome>, formId: string): IDataObject {
	if (outcome.status === 'unchanged' || outcome.status === 'exists')
		return { status: outcome.status, Id: outcome.id, Number: outcome.number, formId };
	const json: IDataObject = { status: outcome.status, Id: outcome.id, Number: outcome.number, formId };
	if (outcome.documentStatus) json.documentStatus = { ...outcome.documentStatus };
	if (outcome.status === 'audited') return json;
	if (outcome.status === 'planned') json.action = outcome.action;
	// Rows without changes carry no empty list (issue 18): `changes` is there only when something differs.
	if (outcome.action !== 'create' && outcome.changes.length > 0) {
		json.changes = outcome.changes.map((change) => ({
			field: change.field,
			before: change.before,
			after: change.after,
		})) as IDataObject[];
	}
	if (outcome.notApplied) {
		// Fields Kingdee does not change through Save: never reported as changes, never a reason to write.
		json.notApplied = outcome.notApplied.map((entry) => ({ field: entry.field, reason: entry.reason }));
	}
	if (outcome.unverifiable.length > 0) {
		// Why an item was sent although nothing comparable differed (entry rows, unreadable fields).
		json.notCompared = outcome.unverifiable.map((entry) => ({ field: entry.field, reason: entry.reason }));
	}
	return json;
}

/**
 * With Map Fields Below the mapper's match column; else Number Field, whose default FNumber stands for "the form's":
 * FBillNo for bills (numberFieldFor).
 */
function readNumberField(context: IExecuteFunctions, formId: string, itemIndex: number): string {
	if (context.getNodeParameter('modelSource', itemIndex, 'itemJson') === 'mapper') {
		const matching = context.getNodeParameter('fields.matchingColumns', itemIndex, []) as string[];
		return (Array.isArray(matching) ? String(matching[0] ?? '') : '').trim() || numberFieldFor(formId);
	}
	return numberFieldFor(formId, String(context.getNodeParameter('numberField', itemIndex, BASE_DATA_NUMBER_FIELD)));
}

/**
 * If Exists; a saved workflow from before it has Upsert by Number, whose "on" means Update while If Exists stays at
 * its default, Fail.
 */
function readIfExists(context: IExecuteFunctions, itemIndex: number): IfExists {
	const chosen = String(context.getNodeParameter('ifExists', itemIndex, 'fail'));
	const ifExists: IfExists = chosen === 'update' || chosen === 'skip' ? chosen : 'fail';
	const legacyUpsert = context.getNodeParameter('upsertByNumber', itemIndex, false) === true;
	return ifExists === 'fail' && legacyUpsert ? 'update' : ifExists;
}

/**
 * The run-wide settings (read from item 0), all but what depends on continue-on-fail, and whether a Dry Run may end
 * successfully in a run not started by hand.
 */
type BatchSaveParameters = Omit<BatchSaveSettings, 'stopAtFirstFailure'> & { allowDryRunInAutomaticRuns: boolean };

function readParameters(context: IExecuteFunctions, itemIndex: number): BatchSaveParameters {
	const formId = getFormId(context, itemIndex);
	// Batch Size applies to the whole run: Batch Save reads its parameters from item 0 (see BatchSaveParameters).
	const batchSize = readWholeNumber(
		context.getNode(),
		itemIndex,
		context.getNodeParameter('batchSize', itemIndex, DEFAULT_BATCH_SIZE),
		{ label: 'Batch Size', min: 1, max: MAX_BATCH_SIZE, fix: 'set Batch Size to e.g. 100' },
	);
	const ifExists = readIfExists(context, itemIndex);
	const upsertByNumber = ifExists === 'update';
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		formId,
		numberField: readNumberField(context, formId, itemIndex),
		primaryKeyField: primaryKeyFieldFor(formId, context.getNodeParameter('primaryKeyField', itemIndex, '') as string),
		upsertByNumber,
		ifExists,
		skipUnchanged: upsertByNumber && (context.getNodeParameter('skipUnchanged', itemIndex, true) as boolean),
		dryRun: options.dryRun === true,
		allowDryRunInAutomaticRuns: options.allowDryRunInAutomaticRuns === true,
		batchSize,
		maxSends: Math.max(1, Math.floor(readTransportOptions(context).maxTries)),
		saveData: buildSaveData(context.getNodeParameter('saveOptions', itemIndex, {}) as IDataObject),
	};
}

type Entry = { itemIndex: number; model: Record<string, unknown> };

/**
 * The checks of one Model that need the settings: a number where If Exists must find the record, and for a bill that
 * needs entry rows (protocol/forms.ts) its rows. Returns the model, or the error naming the item and the field (and
 * the field for the error item's details).
 */
function checkModel(
	context: IExecuteFunctions,
	model: Record<string, unknown>,
	itemIndex: number,
	{ formId, numberField, ifExists }: BatchSaveSettings,
): { model: Record<string, unknown> } | { error: NodeOperationError; field: string } {
	if (ifExists !== 'fail' && packageNumber(model, numberField) === undefined) {
		// Update and Skip find the record by its number; without one the package could only be created blindly.
		const value = model[numberField];
		const error = new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: the Model has ${value === undefined ? 'no' : `no usable (${JSON.stringify(value)})`} ${numberField} (Number Field), which If Exists: ${ifExists === 'skip' ? 'Skip' : 'Update'} needs to find the record: map the number into ${numberField}, or set Number Field to the field that holds it`,
			{ itemIndex, description: 'Nothing was sent to Kingdee for this item.' },
		);
		return { error, field: numberField };
	}
	const entry = requiredEntryOf(formId);
	const problem = entry && entryInputProblem(model, entry);
	if (!problem) return { model };
	const number = packageNumber(model, numberField);
	const error = new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex}${number ? ` (${numberField} "${number}")` : ''}: field ${problem.field}: ${problem.message}`,
		{ itemIndex, description: `${formId} is a bill with entry rows. Nothing was sent to Kingdee for this item.` },
	);
	return { error, field: problem.field };
}

/**
 * Reads and checks every item's Model before the first request; a bad item becomes its error item in `output` (or
 * stops the node). Returns the packages to save, with their base-data fields wrapped.
 */
async function preparePackages(
	context: IExecuteFunctions,
	settings: BatchSaveSettings,
	itemCount: number,
	run: KingdeeRun,
	output: Array<INodeExecutionData | undefined>,
): Promise<Entry[]> {
	const { formId } = settings;
	const entries: Entry[] = [];
	const readModel = modelReader(context);
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const read = readModel(itemIndex);
		const checked =
			read instanceof NodeOperationError ? { error: read, field: '' } : checkModel(context, read, itemIndex, settings);
		if ('error' in checked) {
			if (!run.continueOnFail) throw checked.error;
			const number = read instanceof NodeOperationError ? null : (packageNumber(read, settings.numberField) ?? null);
			output[itemIndex] = errorItem(itemIndex, {
				message: checked.error.message,
				error: checked.error,
				details: { kind: 'input', field: checked.field, number, msgCode: null, formId },
			});
			continue;
		}
		entries.push({ itemIndex, model: checked.model });
	}
	return await applyBaseDataFields(context, entries, run, formId);
}

/**
 * Runs the save. Without continue-on-fail a thrown error stops the node; with it the error is returned, and every
 * package without an outcome gets it as its error item.
 */
async function saveAll(
	context: IExecuteFunctions,
	prepared: Entry[],
	settings: BatchSaveSettings,
	run: KingdeeRun,
): Promise<{ outcomes: Outcomes; failure?: unknown }> {
	try {
		return {
			outcomes: await runBatchSave(
				run.pool,
				prepared.map((entry) => entry.model),
				settings,
				(position) => `item ${prepared[position].itemIndex}`,
			),
		};
	} catch (error) {
		// A thrown run returns no outcomes: the error belongs to the first package, worded as its error item would be.
		if (!run.continueOnFail) throw toNodeError(context.getNode(), error, prepared[0]?.itemIndex, 'Batch Save');
		return { outcomes: [], failure: error };
	}
}

/** Without continue-on-fail the first package that was not saved stops the node, saying how many others were saved. */
function throwFirstUnsaved(
	context: IExecuteFunctions,
	prepared: Entry[],
	outcomes: Outcomes,
	settings: BatchSaveSettings,
) {
	const firstFailed = prepared.findIndex((_, position) => {
		const outcome = outcomes[position];
		return outcome !== undefined && isUnsaved(outcome);
	});
	if (firstFailed < 0) return;
	const itemIndex = prepared[firstFailed].itemIndex;
	const { message, details } = describeOutcomeFailure(
		outcomes[firstFailed] as UnsavedOutcome,
		itemIndex,
		settings.numberField,
		settings.formId,
	);
	const savedBefore = outcomes.filter((outcome) => outcome && isSaved(outcome)).length;
	throw nodeApiError(
		context.getNode(),
		`${message}${savedBefore > 0 ? ` (${savedBefore} other item(s) were saved; with "On Error: Continue" failed rows go to the error output instead)` : ''}`,
		itemIndex,
		{ itemIndex, ...details },
	);
}

/** One output item per package: its outcome, or its error item (with `failure` when the run ended before it). */
function outcomesToItems(
	context: IExecuteFunctions,
	prepared: Entry[],
	{ outcomes, failure }: { outcomes: Outcomes; failure?: unknown },
	{ numberField, formId }: BatchSaveSettings,
	output: Array<INodeExecutionData | undefined>,
): void {
	prepared.forEach(({ itemIndex }, position) => {
		const outcome = outcomes[position];
		if (outcome && !isUnsaved(outcome)) {
			output[itemIndex] = { json: outcomeJson(outcome, formId), pairedItem: { item: itemIndex } };
			return;
		}
		const described = outcome
			? describeOutcomeFailure(outcome, itemIndex, numberField, formId)
			: describeCallFailure(failure, itemIndex, 'Batch Save');
		const details = outcome ? described.details : { ...described.details, number: null, formId };
		output[itemIndex] = errorItem(itemIndex, {
			message: described.message,
			error: nodeApiError(context.getNode(), described.message, itemIndex, details),
			details,
		});
	});
}

/** n8n's execution modes of a run a person started: the editor ('manual') and a typed `n8n execute` ('cli'). */
const MODES_STARTED_BY_HAND: readonly string[] = ['manual', 'cli'];

/**
 * A Dry Run in a run nobody started by hand (trigger, webhook, sub-workflow, retry, …) is a Dry Run left on by
 * mistake unless Allow Dry Run in Automatic Runs says otherwise (docs/kingdee-node.md#batch-save). Thrown after the
 * plan, so input errors surface first and the message can give the plan's counts. Node-level, also with
 * continue-on-fail: the planned items are not errors, so no item belongs on the error output; the run must end
 * failed. (With On Error: Continue n8n itself catches a node-level error and passes the input items on.)
 */
function throwIfDryRunNotByHand(context: IExecuteFunctions, parameters: BatchSaveParameters, outcomes: Outcomes): void {
	if (!parameters.dryRun || parameters.allowDryRunInAutomaticRuns) return;
	const mode = context.getMode();
	if (MODES_STARTED_BY_HAND.includes(mode)) return;
	const counts = new Map<string, number>();
	for (const outcome of outcomes) {
		const action = outcome?.status === 'planned' ? outcome.action : outcome?.status;
		if (action) counts.set(action, (counts.get(action) ?? 0) + 1);
	}
	const plan = [...counts].map(([action, count]) => `${count} ${action}`).join(', ');
	throw new NodeOperationError(
		context.getNode(),
		'Dry Run is on: nothing was written to Kingdee. Turn Options → Dry Run off to write, or turn on Options → Allow Dry Run in Automatic Runs if an automatic run should only plan.',
		{
			description: `This run was not started by hand (n8n execution mode "${mode}"); Dry Run only plans.${plan ? ` The plan: ${plan}.` : ''}`,
		},
	);
}

async function execute(
	context: IExecuteFunctions,
	parameters: BatchSaveParameters,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	const settings: BatchSaveSettings = {
		...parameters,
		stopAtFirstFailure: !run.continueOnFail,
		loadFieldKinds: async () => await fieldKindsOf(run, parameters.formId),
	};
	const output: Array<INodeExecutionData | undefined> = new Array(items.length);
	const prepared = await preparePackages(context, settings, items.length, run, output);
	const saved = await saveAll(context, prepared, settings, run);
	if (!run.continueOnFail) throwFirstUnsaved(context, prepared, saved.outcomes, settings);
	throwIfDryRunNotByHand(context, parameters, saved.outcomes);
	outcomesToItems(context, prepared, saved, settings, output);
	return output.filter((item): item is INodeExecutionData => item !== undefined);
}

/** BatchSave of all items in batches, with optional upsert by number (docs/kingdee-webapi.md#batchsave-and-dindex). */
export const batchSave = batchOperation<KingdeeRun, KingdeeSession, BatchSaveParameters>({
	resource: 'record',
	option: {
		name: 'Batch Save Records',
		value: 'batchSave',
		action: 'Batch save records',
		description: 'Create or update many records, one package per input item, with optional upsert by number',
	},
	properties,
	readParameters,
	execute,
});
