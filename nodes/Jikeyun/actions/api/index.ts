import type { INodeProperties } from 'n8n-workflow';
import * as callMethod from './callMethod.operation';

export { callMethod };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['api'] } },
		options: [
			{
				name: 'Call Method',
				value: 'callMethod',
				description: 'Call any Open API method with signed parameters',
				action: 'Call an API method',
			},
		],
		default: 'callMethod',
	},
	...callMethod.description,
];
