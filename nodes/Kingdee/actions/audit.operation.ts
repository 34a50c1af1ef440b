import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { additionalDataProperty, optionsCollection, selectByProperties } from '../helpers/descriptions';
import type { KingdeeRun } from '../helpers/run';
import { runStateOperation } from '../helpers/stateOperation';

export const description: INodeProperties[] = [
	...selectByProperties(['audit'], false),
	additionalDataProperty(['audit']),
	optionsCollection(['audit']),
];

/** DynamicFormService.Audit by numbers or internal IDs, one call per item. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	return await runStateOperation(
		this,
		items,
		run,
		'Audit',
		async (session, formId, data) => await session.formCall('DynamicFormService.Audit', formId, data),
		'DynamicFormService.Audit',
	);
}
