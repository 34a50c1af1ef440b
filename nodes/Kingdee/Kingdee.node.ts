import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationLists, operationParameters, resourceProperty } from '../shared/registry';
import { runOperation } from '../shared/runner';
import { kingdeeRunner, OPERATIONS, RESOURCES } from './actions/registry';
import { listSearch, loadOptions, resourceMapping } from './methods';

export class Kingdee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kingdee Cloud Galaxy',
		name: 'kingdee',
		icon: { light: 'file:kingdee.svg', dark: 'file:kingdee.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{$parameter["operation"] + ": " + ($parameter["formId"].cachedResultName || $parameter["formId"].value || "")}}',
		documentationUrl:
			'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#node-kingdee-cloud-galaxy-kingdee',
		description: 'Save, upsert, query and approve records in Kingdee Cloud Galaxy (金蝶云星空) through its WebAPI',
		defaults: { name: 'Kingdee Cloud Galaxy' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kingdeeApi', required: true }],
		properties: [
			// Workflows from before resources existed have no `resource`: Record, the default, holds their operations
			// that the shipped samples use (Batch Save, Query).
			resourceProperty(RESOURCES, 'record'),
			...operationLists(RESOURCES, OPERATIONS),
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
								properties: {
									regex: '^[A-Za-z][A-Za-z0-9_]*$',
									errorMessage: 'Form IDs look like BD_Customer or SAL_SaleOrder',
								},
							},
						],
					},
				],
			},
			// Parameters show by operation alone (values are unique across resources), as they did before resources.
			...operationParameters(OPERATIONS, (_resource, operation) => ({ show: { operation: [operation] } })),
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation(this, kingdeeRunner);
	}
}
