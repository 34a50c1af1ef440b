import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { statusError } from '../protocol/responses';
import type { KingdeeFormService } from '../protocol/services';
import type { KingdeeSession } from '../protocol/session';
import { runPerItem } from './perItem';
import { getFormId, jsonParameter, splitValues, type KingdeeRun } from './run';

/** The records an item names, as Kingdee's `Numbers` array or `Ids` string. */
export function readSelection(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const byId = context.getNodeParameter('selectBy', itemIndex, 'number') === 'id';
	const values = splitValues(context.getNodeParameter(byId ? 'ids' : 'numbers', itemIndex, ''));
	if (values.length === 0) {
		throw new NodeOperationError(context.getNode(), `No ${byId ? 'internal IDs' : 'numbers'} given`, {
			itemIndex,
			description: 'Enter at least one value, e.g. an expression such as {{ $json.FNumber }}.',
		});
	}
	return byId ? { Ids: values.join(',') } : { Numbers: values };
}

/**
 * Submit / Audit / UnAudit / Delete (and Execute Operation): one call per item with that item's
 * numbers or IDs, so each item gets its own result. The output lists the records Kingdee processed.
 */
export async function runStateOperation(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
	label: string,
	call: (session: KingdeeSession, formId: string, data: IDataObject, itemIndex: number) => ReturnType<KingdeeSession['formCall']>,
	service: KingdeeFormService | 'DynamicFormService.ExcuteOperation',
): Promise<INodeExecutionData[]> {
	return await runPerItem(
		context,
		items,
		run,
		label,
		(itemIndex) => ({
			formId: getFormId(context, itemIndex),
			data: { ...readSelection(context, itemIndex), ...(jsonParameter(context, 'additionalData', itemIndex) ?? {}) },
		}),
		async ({ formId, data }, session, itemIndex) => {
			const reply = await call(session, formId, data, itemIndex);
			if (!reply.status.isSuccess) throw statusError(service, reply.status);
			return [
				{
					operation: label,
					formId,
					success: true,
					records: reply.status.successEntities.map((entity) => ({ Id: entity.id, Number: entity.number })),
				},
			];
		},
	);
}
