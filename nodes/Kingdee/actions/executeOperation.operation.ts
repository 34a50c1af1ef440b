import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { additionalDataProperty, optionsCollection, selectByProperties } from '../helpers/descriptions';
import type { KingdeeRun } from '../helpers/run';
import { runStateOperation } from '../helpers/stateOperation';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation Number (opNumber)',
		name: 'opNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Forbid',
		description: 'Kingdee operation code, e.g. Forbid (禁用), Enable (反禁用), Cancel, UnCancel, BillClose',
		displayOptions: { show: { operation: ['executeOperation'] } },
	},
	...selectByProperties(['executeOperation'], false),
	additionalDataProperty(['executeOperation']),
	optionsCollection(['executeOperation']),
];

/** DynamicFormService.ExcuteOperation (Kingdee's spelling) with any opNumber, one call per item. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	const opNumbers = items.map((_, itemIndex) => {
		const opNumber = String(this.getNodeParameter('opNumber', itemIndex, '') ?? '').trim();
		if (!opNumber) {
			throw new NodeOperationError(this.getNode(), 'Operation Number is empty', {
				itemIndex,
				description: 'Enter the Kingdee operation code, e.g. Forbid.',
			});
		}
		return opNumber;
	});
	return await runStateOperation(
		this,
		items,
		run,
		'Execute Operation',
		async (session, formId, data, itemIndex) => await session.executeOperation(formId, opNumbers[itemIndex], data),
		'DynamicFormService.ExcuteOperation',
	);
}
