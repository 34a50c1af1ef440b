import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import type { KingdeeSession } from '../../protocol/session';
import type { KingdeeRun } from '../run';
import { readStateParameters, stateProperties, stateResult, type StateParameters } from '../stateOperation';

function readParameters(context: IExecuteFunctions, itemIndex: number): StateParameters & { opNumber: string } {
	const opNumber = String(context.getNodeParameter('opNumber', itemIndex, '') ?? '').trim();
	if (!opNumber) {
		throw inputError(
			context.getNode(),
			itemIndex,
			'Operation Number is empty',
			'enter the Kingdee operation code, e.g. Forbid',
		);
	}
	return { ...readStateParameters(context, itemIndex), opNumber };
}

/** DynamicFormService.ExcuteOperation (Kingdee's spelling) with any opNumber, one call per item. */
export const executeOperation = perItemOperation<KingdeeRun, KingdeeSession, StateParameters & { opNumber: string }>({
	resource: 'record',
	option: {
		name: 'Execute Operation on Records',
		value: 'executeOperation',
		action: 'Execute an operation on records',
		description: 'Run any operation code such as Forbid or Enable (ExcuteOperation)',
	},
	properties: stateProperties([
		{
			displayName: 'Operation Number (opNumber)',
			name: 'opNumber',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'Forbid',
			description: 'Kingdee operation code, e.g. Forbid (禁用), Enable (反禁用), Cancel, UnCancel, BillClose',
		},
	]),
	label: 'Execute Operation',
	readParameters,
	execute: async (_context, { formId, opNumber, data }, session) =>
		stateResult(
			'Execute Operation',
			'DynamicFormService.ExcuteOperation',
			formId,
			await session.executeOperation(formId, opNumber, data),
		),
});
