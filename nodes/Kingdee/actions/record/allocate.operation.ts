import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { splitList } from '../../../common/list';
import { inputError } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import type { KingdeeSession } from '../../protocol/session';
import { optionsCollection } from '../descriptions';
import { getFormId } from '../parameters';
import type { KingdeeRun } from '../run';
import { stateResult } from '../stateOperation';

const properties: INodeProperties[] = [
	{
		displayName: 'Internal IDs (PkIds)',
		name: 'pkIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '100123, 100124',
		description: 'Comma-separated internal IDs of the (audited) base-data records to distribute',
	},
	{
		displayName: 'Target Organisation Names or IDs (TOrgIds)',
		name: 'targetOrgIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getOrganizations' },
		default: [],
		required: true,
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The organisations to distribute to (分配组织), loaded from Kingdee. An expression may give internal IDs as a list or as text such as 100002, 100003.',
	},
	{
		displayName: 'Auto Submit and Audit',
		name: 'isAutoSubmitAndAudit',
		type: 'boolean',
		default: false,
		description: 'Whether the distributed copies are submitted and audited right away',
	},
	optionsCollection(),
];

interface AllocateParameters {
	formId: string;
	data: IDataObject;
}

function readParameters(context: IExecuteFunctions, itemIndex: number): AllocateParameters {
	const formId = getFormId(context, itemIndex);
	const pkIds = splitList(context.getNodeParameter('pkIds', itemIndex, ''));
	const orgIds = splitList(context.getNodeParameter('targetOrgIds', itemIndex, ''));
	if (pkIds.length === 0 || orgIds.length === 0) {
		throw inputError(
			context.getNode(),
			itemIndex,
			`Allocate needs internal IDs and target organisation IDs, got ${pkIds.length} and ${orgIds.length}`,
			'enter both, separated by commas',
		);
	}
	return {
		formId,
		data: {
			PkIds: pkIds.join(','),
			TOrgIds: orgIds.join(','),
			IsAutoSubmitAndAudit: context.getNodeParameter('isAutoSubmitAndAudit', itemIndex, false) ? 'true' : 'false',
		},
	};
}

/** Allocate (分配) base data to other organisations, one call per item. */
export const allocate = perItemOperation<KingdeeRun, KingdeeSession, AllocateParameters>({
	resource: 'record',
	option: {
		name: 'Allocate Records',
		value: 'allocate',
		action: 'Allocate records to organisations',
		description: 'Distribute base-data records to other organisations (分配)',
	},
	properties,
	label: 'Allocate',
	readParameters,
	execute: async (_context, { formId, data }, session) =>
		stateResult(
			'Allocate',
			'DynamicFormService.Allocate',
			formId,
			await session.formCall('DynamicFormService.Allocate', formId, data),
		),
});
