import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_KINGDEE_TRANSPORT_OPTIONS, type KingdeeTransportOptions } from '../transport';
import { KINGDEE_MAX_PARALLEL_SESSIONS } from '../protocol/session';
import { splitList } from '../../common/list';
import { readRunOptions } from '../../shared/runOptions';
import { includeCallReportOption, maxTriesOption, optionsCollectionOf, timeoutOption } from '../../shared/descriptions';

const { maxTries, parallelRequests, timeoutSeconds } = DEFAULT_KINGDEE_TRANSPORT_OPTIONS;

const transportOptionFields: INodeProperties[] = [
	maxTriesOption(
		maxTries,
		'Attempts per call when Kingdee is busy (MsgCode 13/14), answers HTTP 5xx or a read times out. Writes that time out are never repeated blindly: they are checked by number first.',
	),
	{
		displayName: 'Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: KINGDEE_MAX_PARALLEL_SESSIONS },
		default: parallelRequests,
		description:
			'Kingdee processes the requests of one login session one after another, so N parallel requests use N sessions of the same user. Kingdee suggests 3–5 at most.',
	},
	timeoutOption(timeoutSeconds, 'How long to wait for one Kingdee answer (the official SDKs wait 120 seconds)'),
	includeCallReportOption(
		'Whether to add one item at the end of the output with every Kingdee API call of this run: service and form, batch or page, attempt, start, duration, outcome, MsgCode or LoginResultType and a short reason (secrets and session IDs removed). A one-line summary is always shown as an execution hint.',
	),
];

/** The `options` collection of an operation: transport settings plus operation-specific extras. */
export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return optionsCollectionOf(
		[...extra, ...transportOptionFields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	);
}

/** The transport options of the run (item 0's, see readRunOptions). */
export function readTransportOptions(context: IExecuteFunctions): KingdeeTransportOptions {
	const options = readRunOptions(context);
	const number = (value: unknown, fallback: number) => {
		const n = Number(value);
		return Number.isFinite(n) && n > 0 ? n : fallback;
	};
	return {
		parallelRequests: number(options.parallelRequests, DEFAULT_KINGDEE_TRANSPORT_OPTIONS.parallelRequests),
		maxTries: number(options.maxTries, DEFAULT_KINGDEE_TRANSPORT_OPTIONS.maxTries),
		timeoutSeconds: number(options.timeoutSeconds, DEFAULT_KINGDEE_TRANSPORT_OPTIONS.timeoutSeconds),
	};
}

/** Primary Key Field of Save and Batch Save; `description` names the forms whose key is known. */
export function primaryKeyFieldProperty(description: string): INodeProperties {
	return {
		displayName: 'Primary Key Field',
		name: 'primaryKeyField',
		type: 'string',
		default: '',
		placeholder: 'FCUSTID',
		description,
	};
}

/** Where the Model comes from (Batch Save and Save). */
export function modelSourceProperties(mapperMode: 'upsert' | 'add'): INodeProperties[] {
	return [
		{
			displayName: 'Model Source',
			name: 'modelSource',
			type: 'options',
			default: 'itemJson',
			options: [
				{
					name: 'Whole Input Item',
					value: 'itemJson',
					description:
						'The item\'s JSON is the Model package, e.g. {"FNumber": "C001", "FName": "…"} (map it with a Set node before this one)',
				},
				{
					name: 'JSON Field of the Item',
					value: 'jsonField',
					description: 'One field of the item holds the Model (an object or a JSON string)',
				},
				{
					name: 'Map Fields Below',
					value: 'mapper',
					description:
						"Choose the form's fields from its Kingdee metadata (captions, required fields, base data) and map values to them here",
				},
			],
		},
		{
			displayName: 'Model Field',
			name: 'modelField',
			type: 'string',
			default: 'Model',
			description: 'Name of the item field that holds the Model object',
			displayOptions: { show: { modelSource: ['jsonField'] } },
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			typeOptions: {
				loadOptionsDependsOn: ['formId.value'],
				resourceMapper: {
					resourceMapperMethod: 'getModelFields',
					mode: mapperMode,
					fieldWords: { singular: 'field', plural: 'fields' },
					addAllFields: false,
					multiKeyMatch: false,
					supportAutoMap: true,
					matchingFieldsLabels: {
						title: 'Number Field',
						description: 'The field that identifies the record: its number (FNumber for base data, FBillNo for bills)',
					},
				},
			},
			displayOptions: { show: { modelSource: ['mapper'] } },
		},
		{
			displayName: 'Base-Data Fields',
			name: 'baseDataFields',
			type: 'string',
			default: '',
			placeholder: 'FCreateOrgId, FUseOrgId',
			description:
				'Reference (base-data, 基础资料) fields given as plain codes; each plain value is sent as {"FNumber": value}, objects unchanged. Fields of entry rows are named with their entry, e.g. FEntity.FMaterialID (every row). Leave empty to detect them, entry fields included, from the form\'s Kingdee metadata (one QueryBusinessInfo per run); a comma-separated list here overrides the detection.',
		},
	];
}

/** Save / BatchSave options (docs/kingdee-webapi.md#save-options), sent only when set. */
export function saveOptionsCollection(withBatchCount: boolean): INodeProperties {
	const fields: INodeProperties[] = [
		{
			displayName: 'Auto Submit and Audit (IsAutoSubmitAndAudit)',
			name: 'isAutoSubmitAndAudit',
			type: 'boolean',
			default: false,
			description: 'Whether to submit and audit each record right after saving it',
		},
		{
			displayName: 'Delete Missing Entry Rows (IsDeleteEntry)',
			name: 'isDeleteEntry',
			type: 'boolean',
			default: true,
			description:
				'Whether entry rows of an existing record that are missing from the package are deleted (Kingdee default: true)',
		},
		{
			displayName: 'Auto Adjust Field Order (IsAutoAdjustField)',
			name: 'isAutoAdjustField',
			type: 'boolean',
			default: false,
			description: 'Whether Kingdee may reorder the fields of the package',
		},
		{
			displayName: 'Ignore Interactions (IgnoreInterationFlag)',
			name: 'ignoreInterationFlag',
			type: 'boolean',
			default: true,
			description: 'Whether interactive confirmations are skipped',
		},
		{
			displayName: 'Interaction Flags (InterationFlags)',
			name: 'interationFlags',
			type: 'string',
			default: '',
			placeholder: 'STK_InvCheckResult',
			description: 'Semicolon-separated interaction flags, e.g. STK_InvCheckResult to allow negative stock',
		},
		{
			displayName: 'Fields to Return (NeedReturnFields)',
			name: 'needReturnFields',
			type: 'string',
			default: '',
			placeholder: 'FNumber, FName',
			description: 'Comma-separated fields Kingdee returns for each saved record',
		},
		{
			displayName: 'Fields to Update (NeedUpDateFields)',
			name: 'needUpDateFields',
			type: 'string',
			default: '',
			placeholder: 'FName, FShortName',
			description:
				'Comma-separated fields to change when updating; other fields of the existing record stay as they are. The package must then contain the internal ID (upsert by number fills it in).',
		},
		{
			displayName: 'Resolve References by Number (NumberSearch)',
			name: 'numberSearch',
			type: 'boolean',
			default: true,
			description: 'Whether reference fields given as {"FNumber": …} are resolved by number',
		},
		{
			displayName: 'Validate Data (ValidateFlag)',
			name: 'validateFlag',
			type: 'boolean',
			default: true,
			description: 'Whether Kingdee runs its data validation rules',
		},
		{
			displayName: 'Verify Base-Data References (IsVerifyBaseDataField)',
			name: 'isVerifyBaseDataField',
			type: 'boolean',
			default: false,
			description: 'Whether every referenced base-data record is checked (slower)',
		},
	];
	if (withBatchCount) {
		fields.push({
			displayName: 'Server Threads (BatchCount)',
			name: 'batchCount',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 0,
			description:
				'Server-side parallel threads per call (Kingdee recommends at most 5; 0 = off). With it Kingdee numbers results per thread, so results are matched by number and unclear packages are checked by a query.',
		});
	}
	return {
		displayName: 'Save Options',
		name: 'saveOptions',
		type: 'collection',
		placeholder: 'Add Save Option',
		default: {},
		options: fields.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

const BOOLEAN_SAVE_OPTIONS: Record<string, string> = {
	isAutoSubmitAndAudit: 'IsAutoSubmitAndAudit',
	isVerifyBaseDataField: 'IsVerifyBaseDataField',
	isDeleteEntry: 'IsDeleteEntry',
	validateFlag: 'ValidateFlag',
	numberSearch: 'NumberSearch',
	isAutoAdjustField: 'IsAutoAdjustField',
	ignoreInterationFlag: 'IgnoreInterationFlag',
};

/** The Save/BatchSave data object (without Model) from the Save Options collection. */
export function buildSaveData(saveOptions: IDataObject): Record<string, unknown> {
	const data: Record<string, unknown> = {};
	for (const [option, key] of Object.entries(BOOLEAN_SAVE_OPTIONS)) {
		// Booleans as the strings of Kingdee's official templates ("true"/"false"); servers accept both.
		if (typeof saveOptions[option] === 'boolean') data[key] = saveOptions[option] ? 'true' : 'false';
	}
	if (saveOptions.needUpDateFields) data.NeedUpDateFields = splitList(saveOptions.needUpDateFields);
	if (saveOptions.needReturnFields) data.NeedReturnFields = splitList(saveOptions.needReturnFields);
	if (typeof saveOptions.interationFlags === 'string' && saveOptions.interationFlags.trim() !== '') {
		data.InterationFlags = saveOptions.interationFlags.trim();
	}
	const batchCount = Number(saveOptions.batchCount ?? 0);
	if (Number.isFinite(batchCount) && batchCount > 0) data.BatchCount = Math.floor(batchCount);
	return data;
}

/** "Select records by" for Submit/Audit/UnAudit/Delete/Execute Operation/View. */
export function selectByProperties(single: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Select By',
			name: 'selectBy',
			type: 'options',
			default: 'number',
			options: [
				{ name: 'Number', value: 'number', description: 'Business number (编码 / 单据编号), e.g. C001' },
				{ name: 'Internal ID', value: 'id', description: 'Internal ID (内码), e.g. 100123' },
			],
		},
		{
			displayName: single ? 'Number' : 'Numbers',
			name: 'numbers',
			type: 'string',
			default: '',
			required: true,
			placeholder: single ? 'C001' : 'C001, C002',
			description: single ? "The record's number" : 'Comma-separated numbers of the records of this item',
			displayOptions: { show: { selectBy: ['number'] } },
		},
		{
			displayName: single ? 'Internal ID' : 'Internal IDs',
			name: 'ids',
			type: 'string',
			default: '',
			required: true,
			placeholder: single ? '100123' : '100123, 100124',
			description: single ? "The record's internal ID" : 'Comma-separated internal IDs of the records of this item',
			displayOptions: { show: { selectBy: ['id'] } },
		},
	];
}

/** Extra keys merged into the data object (e.g. {"UseOrgId": 1, "NetworkCtrl": "true"}). */
export function additionalDataProperty(): INodeProperties {
	return {
		displayName: 'Additional Data (JSON)',
		name: 'additionalData',
		type: 'json',
		default: '',
		description:
			'Optional extra keys for the data object, merged over the selection, e.g. {"UseOrgId": 100001, "NetworkCtrl": "true"} or for Execute Operation {"Parameters": {…}}',
	};
}
