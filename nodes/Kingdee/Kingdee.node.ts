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
import * as describeForm from './actions/describeForm.operation';
import * as executeOperation from './actions/executeOperation.operation';
import * as query from './actions/query.operation';
import { router } from './actions/router';
import * as save from './actions/save.operation';
import * as submit from './actions/submit.operation';
import * as unAudit from './actions/unAudit.operation';
import * as view from './actions/view.operation';
import { listSearch, loadOptions, resourceMapping } from './methods';

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
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				// Workflows from before resources existed have no `resource`: Record, the default, holds their operations
				// that the shipped samples use (Batch Save, Query).
				default: 'record',
				options: [
					{ name: 'Document Status', value: 'documentStatus', description: 'Submit, audit or unaudit records (单据状态)' },
					{ name: 'Form', value: 'form', description: 'The form (business object) itself: its fields from the Kingdee metadata' },
					{ name: 'Record', value: 'record', description: 'Records of a form: save, read, delete, allocate' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['record'] } },
				default: 'batchSave',
				options: [
					{
						name: 'Allocate Records',
						value: 'allocate',
						action: 'Allocate records to organisations',
						description: 'Distribute base-data records to other organisations (分配)',
					},
					{
						name: 'Batch Save Records',
						value: 'batchSave',
						action: 'Batch save records',
						description: 'Create or update many records, one package per input item, with optional upsert by number',
					},
					{
						name: 'Delete Records',
						value: 'delete',
						action: 'Delete records',
						description: 'Delete records by number or internal ID (删除)',
					},
					{
						name: 'Execute Operation on Records',
						value: 'executeOperation',
						action: 'Execute an operation on records',
						description: 'Run any operation code such as Forbid or Enable (ExcuteOperation)',
					},
					{
						name: 'Query Records',
						value: 'query',
						action: 'Query records',
						description: 'Read rows with ExecuteBillQuery (field keys, filter, order, paging)',
					},
					{
						name: 'Save a Record',
						value: 'save',
						action: 'Save a record',
						description: 'Create or update one record per item (Save)',
					},
					{
						name: 'View a Record',
						value: 'view',
						action: 'View a record',
						description: 'Read one full record by number or internal ID (View)',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['documentStatus'] } },
				default: 'submit',
				options: [
					{
						name: 'Audit Records',
						value: 'audit',
						action: 'Audit records',
						description: 'Audit records by number or internal ID (审核)',
					},
					{
						name: 'Submit Records',
						value: 'submit',
						action: 'Submit records',
						description: 'Submit records by number or internal ID (提交)',
					},
					{
						name: 'Unaudit Records',
						value: 'unAudit',
						action: 'Unaudit records',
						description: 'Reverse the audit of records (反审核)',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['form'] } },
				default: 'describeForm',
				options: [
					{
						name: 'Describe Form',
						value: 'describeForm',
						action: 'Describe a form',
						description: 'List the form\'s fields from its Kingdee metadata (QueryBusinessInfo): key, caption, type, entity, base data, required',
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
			...describeForm.description,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
