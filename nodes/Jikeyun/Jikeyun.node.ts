import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import * as api from './actions/api';
import { optionsCollection } from './actions/common.description';
import { router } from './actions/router';
import * as salesChannel from './actions/salesChannel';

export class Jikeyun implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jikeyun',
		name: 'jikeyun',
		icon: { light: 'file:jikeyun.svg', dark: 'file:jikeyun.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		documentationUrl: 'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#node-jikeyun',
		description: 'Read sales channels (shops) and call any method of the Jikeyun (吉客云) Open API',
		defaults: { name: 'Jikeyun' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'jikeyunApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API', value: 'api', description: 'Call any Open API method' },
					{ name: 'Sales Channel (Shop)', value: 'salesChannel', description: 'Sales channels / shops (销售渠道)' },
				],
				default: 'salesChannel',
			},
			...salesChannel.description,
			...api.description,
			optionsCollection({ '/resource': ['salesChannel'] }, { callReportOption: true }),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
