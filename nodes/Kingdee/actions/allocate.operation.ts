import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { statusError } from '../protocol/responses';
import { optionsCollection } from '../helpers/descriptions';
import { runPerItem } from '../helpers/perItem';
import { getFormId, type KingdeeRun } from '../helpers/run';
import { splitList } from '../../common/list';

const show = { operation: ['allocate'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Internal IDs (PkIds)',
		name: 'pkIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '100123, 100124',
		description: 'Comma-separated internal IDs of the (audited) base-data records to distribute',
		displayOptions: { show },
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
		displayOptions: { show },
	},
	{
		displayName: 'Auto Submit and Audit',
		name: 'isAutoSubmitAndAudit',
		type: 'boolean',
		default: false,
		description: 'Whether the distributed copies are submitted and audited right away',
		displayOptions: { show },
	},
	optionsCollection(['allocate']),
];

/** Allocate (分配) base data to other organisations, one call per item. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		items,
		run,
		'Allocate',
		(itemIndex) => {
			const formId = getFormId(this, itemIndex);
			const pkIds = splitList(this.getNodeParameter('pkIds', itemIndex, ''));
			const orgIds = splitList(this.getNodeParameter('targetOrgIds', itemIndex, ''));
			if (pkIds.length === 0 || orgIds.length === 0) {
				throw new NodeOperationError(this.getNode(), 'Allocate needs internal IDs and target organisation IDs', { itemIndex });
			}
			return {
				formId,
				data: {
					PkIds: pkIds.join(','),
					TOrgIds: orgIds.join(','),
					IsAutoSubmitAndAudit: this.getNodeParameter('isAutoSubmitAndAudit', itemIndex, false) ? 'true' : 'false',
				},
			};
		},
		async ({ formId, data }, session) => {
			const reply = await session.formCall('DynamicFormService.Allocate', formId, data);
			if (!reply.status.isSuccess) throw statusError('DynamicFormService.Allocate', reply.status);
			return [
				{
					operation: 'Allocate',
					formId,
					success: true,
					records: reply.status.successEntities.map((entity) => ({ Id: entity.id, Number: entity.number })),
				},
			];
		},
	);
}
