import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['salesChannel'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List sales channels (shops) with erp.sales.get',
				action: 'Get many sales channels',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
