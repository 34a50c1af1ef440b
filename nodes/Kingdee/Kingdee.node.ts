import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as allocate from './actions/allocate.operation';
import * as audit from './actions/audit.operation';
import * as batchSave from './actions/batchSave.operation';
import * as deleteOperation from './actions/delete.operation';
import * as executeOperation from './actions/executeOperation.operation';
import * as query from './actions/query.operation';
import { router } from './actions/router';
import * as save from './actions/save.operation';
import * as submit from './actions/submit.operation';
import * as unAudit from './actions/unAudit.operation';
import * as view from './actions/view.operation';
import { listSearch } from './methods';

export class Kingdee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kingdee Cloud Galaxy',
		name: 'kingdee',
		icon: { light: 'file:kingdee.svg', dark: 'file:kingdee.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["formId"].cachedResultName || $parameter["formId"].value || "")}}',
		documentationUrl: 'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#node-kingdee-cloud-galaxy-kingdee',
		description: 'Save, upsert, query and approve records in Kingdee Cloud Galaxy (金蝶云星空) through its WebAPI',
		defaults: { name: 'Kingdee Cloud Galaxy' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kingdeeApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'batchSave',
				options: [
					{
						name: 'Allocate',
						value: 'allocate',
						action: 'Allocate base data to organisations',
						description: 'Distribute base-data records to other organisations (分配)',
					},
					{
						name: 'Audit',
						value: 'audit',
						action: 'Audit records',
						description: 'Audit records by number or internal ID (审核)',
					},
					{
						name: 'Batch Save',
						value: 'batchSave',
						action: 'Batch save records',
						description: 'Create or update many records, one package per input item, with optional upsert by number',
					},
					{
						name: 'Delete',
						value: 'delete',
						action: 'Delete records',
						description: 'Delete records by number or internal ID (删除)',
					},
					{
						name: 'Execute Operation',
						value: 'executeOperation',
						action: 'Execute an operation on records',
						description: 'Run any operation code such as Forbid or Enable (ExcuteOperation)',
					},
					{
						name: 'Query',
						value: 'query',
						action: 'Query records',
						description: 'Read rows with ExecuteBillQuery (field keys, filter, order, paging)',
					},
					{
						name: 'Save',
						value: 'save',
						action: 'Save a record',
						description: 'Create or update one record per item (Save)',
					},
					{
						name: 'Submit',
						value: 'submit',
						action: 'Submit records',
						description: 'Submit records by number or internal ID (提交)',
					},
					{
						name: 'Unaudit',
						value: 'unAudit',
						action: 'Unaudit records',
						description: 'Reverse the audit of records (反审核)',
					},
					{
						name: 'View',
						value: 'view',
						action: 'View a record',
						description: 'Read one full record by number or internal ID (View)',
					},
				],
			},
			{
				displayName: 'Form',
				name: 'formId',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				required: true,
				description: 'The business object (业务对象 / FormId), e.g. BD_Customer',
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchForms', searchable: true },
					},
					{
						displayName: 'By Form ID',
						name: 'id',
						type: 'string',
						placeholder: 'BD_Customer',
						validation: [
							{
								type: 'regex',
								properties: { regex: '^[A-Za-z][A-Za-z0-9_]*$', errorMessage: 'Form IDs look like BD_Customer or SAL_SaleOrder' },
							},
						],
					},
				],
			},
			...batchSave.description,
			...save.description,
			...query.description,
			...view.description,
			...submit.description,
			...audit.description,
			...unAudit.description,
			...deleteOperation.description,
			...allocate.description,
			...executeOperation.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
