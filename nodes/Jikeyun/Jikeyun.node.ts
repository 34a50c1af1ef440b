import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { operationLists, operationParameters, resourceProperty } from '../shared/registry';
import { runOperation } from '../shared/runner';
import { optionsCollection } from './actions/descriptions';
import { jikeyunRunner, OPERATIONS, RESOURCES } from './actions/registry';

export class Jikeyun implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jikeyun',
		name: 'jikeyun',
		icon: { light: 'file:jikeyun.svg', dark: 'file:jikeyun.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		documentationUrl: 'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#node-jikeyun',
		description: 'Read sales channels (shops) and sales orders, and call any method of the Jikeyun (吉客云) Open API',
		defaults: { name: 'Jikeyun' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'jikeyunApi', required: true }],
		properties: [
			resourceProperty(RESOURCES, 'salesChannel'),
			...operationLists(RESOURCES, OPERATIONS),
			...operationParameters(OPERATIONS, (resource, operation) => ({
				show: { resource: [resource], operation: [operation] },
			})),
			optionsCollection({ '/resource': ['salesChannel', 'salesOrder'] }, { callReportOption: true }),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation(this, jikeyunRunner);
	}
}
