import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { perItemOperation, type OperationOption } from '../../shared/operation';
import { statusError } from '../protocol/responses';
import type { KingdeeFormService } from '../protocol/services';
import type { KingdeeSession } from '../protocol/session';
import { additionalDataProperty, optionsCollection, selectByProperties } from './descriptions';
import { getFormId, jsonParameter, readSelection } from './parameters';
import type { KingdeeOperation, KingdeeRun } from './run';

/** The form and the data object (selection plus Additional Data) of one item. */
export interface StateParameters {
	formId: string;
	data: IDataObject;
}

export function readStateParameters(context: IExecuteFunctions, itemIndex: number): StateParameters {
	return {
		formId: getFormId(context, itemIndex),
		data: { ...readSelection(context, itemIndex), ...(jsonParameter(context, 'additionalData', itemIndex) ?? {}) },
	};
}

/** The parameters of every operation on records named by numbers or internal IDs (extra ones first). */
export function stateProperties(extra: INodeProperties[] = []): INodeProperties[] {
	return [...extra, ...selectByProperties(false), additionalDataProperty(), optionsCollection()];
}

/**
 * The output of Submit / Audit / UnAudit / Delete (and Execute Operation), one call per item with that item's numbers
 * or IDs, so each item gets its own result: the records Kingdee processed.
 */
export function stateResult(
	label: string,
	service: KingdeeFormService | 'DynamicFormService.ExcuteOperation',
	formId: string,
	{ status }: Awaited<ReturnType<KingdeeSession['formCall']>>,
): IDataObject[] {
	if (!status.isSuccess) throw statusError(service, status);
	return [
		{
			operation: label,
			formId,
			success: true,
			records: status.successEntities.map((entity) => ({ Id: entity.id, Number: entity.number })),
		},
	];
}

/**
 * Submit / Audit / Unaudit / Delete, which differ only in the service they call: records by numbers or internal IDs,
 * optional additional data, one call per item.
 */
export function stateOperation(
	resource: string,
	option: OperationOption,
	label: string,
	service: KingdeeFormService,
): KingdeeOperation {
	return perItemOperation<KingdeeRun, KingdeeSession, StateParameters>({
		resource,
		option,
		properties: stateProperties(),
		label,
		readParameters: readStateParameters,
		execute: async (_context, { formId, data }, session) =>
			stateResult(label, service, formId, await session.formCall(service, formId, data)),
	});
}
