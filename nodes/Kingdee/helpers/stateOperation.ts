import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { statusError } from '../protocol/responses';
import type { KingdeeFormService } from '../protocol/services';
import type { KingdeeSession } from '../protocol/session';
import { additionalDataProperty, optionsCollection, selectByProperties } from './descriptions';
import { runPerItem } from './perItem';
import { getFormId, jsonParameter, type KingdeeRun } from './run';
import { splitList } from '../../common/list';

/** The records an item names, as Kingdee's `Numbers` array or `Ids` string. */
export function readSelection(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const byId = context.getNodeParameter('selectBy', itemIndex, 'number') === 'id';
	const values = splitList(context.getNodeParameter(byId ? 'ids' : 'numbers', itemIndex, ''));
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

type StateOperationName = 'submit' | 'audit' | 'unAudit' | 'delete';

const STATE_SERVICES: Record<StateOperationName, { label: string; service: KingdeeFormService }> = {
	submit: { label: 'Submit', service: 'DynamicFormService.Submit' },
	audit: { label: 'Audit', service: 'DynamicFormService.Audit' },
	unAudit: { label: 'Unaudit', service: 'DynamicFormService.UnAudit' },
	delete: { label: 'Delete', service: 'DynamicFormService.Delete' },
};

/**
 * The description and execute() of Submit / Audit / Unaudit / Delete, which differ only in the service
 * they call: records by numbers or internal IDs, optional additional data, one call per item.
 */
export function defineStateOperation(operation: StateOperationName): {
	description: INodeProperties[];
	execute: (this: IExecuteFunctions, items: INodeExecutionData[], run: KingdeeRun) => Promise<INodeExecutionData[]>;
} {
	const { label, service } = STATE_SERVICES[operation];
	return {
		description: [
			...selectByProperties([operation], false),
			additionalDataProperty([operation]),
			optionsCollection([operation]),
		],
		async execute(this: IExecuteFunctions, items: INodeExecutionData[], run: KingdeeRun) {
			return await runStateOperation(
				this,
				items,
				run,
				label,
				async (session, formId, data) => await session.formCall(service, formId, data),
				service,
			);
		},
	};
}
