import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties, type IDataObject } from 'n8n-workflow';

import { statusError } from '../protocol/responses';
import { optionsCollection, selectByProperties } from '../helpers/descriptions';
import { runPerItem } from '../helpers/perItem';
import { getFormId, type KingdeeRun } from '../helpers/run';

export const description: INodeProperties[] = [...selectByProperties(['view'], true), optionsCollection(['view'])];

/** View one record per item by number or internal ID; outputs Kingdee's object (ORM property names). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		items,
		run,
		'View',
		(itemIndex) => {
			const formId = getFormId(this, itemIndex);
			const byId = this.getNodeParameter('selectBy', itemIndex, 'number') === 'id';
			const value = String(this.getNodeParameter(byId ? 'ids' : 'numbers', itemIndex, '') ?? '').trim();
			if (!value) {
				throw new NodeOperationError(this.getNode(), `${byId ? 'Internal ID' : 'Number'} is empty`, { itemIndex });
			}
			return { formId, data: byId ? { Id: value } : { Number: value } };
		},
		async ({ formId, data }, session) => {
			const reply = await session.formCall('DynamicFormService.View', formId, { CreateOrgId: 0, ...data });
			if (!reply.status.isSuccess) throw statusError('DynamicFormService.View', reply.status);
			const record = reply.result;
			return [record !== null && typeof record === 'object' && !Array.isArray(record) ? (record as IDataObject) : { Result: record as IDataObject }];
		},
	);
}
