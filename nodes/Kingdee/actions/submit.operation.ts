import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { additionalDataProperty, optionsCollection, selectByProperties } from '../helpers/descriptions';
import type { KingdeeRun } from '../helpers/run';
import { runStateOperation } from '../helpers/stateOperation';

export const description: INodeProperties[] = [
	...selectByProperties(['submit'], false),
	additionalDataProperty(['submit']),
	optionsCollection(['submit']),
];

/** DynamicFormService.Submit by numbers or internal IDs, one call per item. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	return await runStateOperation(
		this,
		items,
		run,
		'Submit',
		async (session, formId, data) => await session.formCall('DynamicFormService.Submit', formId, data),
		'DynamicFormService.Submit',
	);
}
