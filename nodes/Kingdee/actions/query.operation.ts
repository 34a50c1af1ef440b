import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { knownForm } from '../protocol/forms';
import { splitList } from '../../common/list';
import { KINGDEE_QUERY_PAGE_SIZE, queryAllRows } from '../protocol/query';
import { optionsCollection } from '../helpers/descriptions';
import { runPerItem } from '../helpers/perItem';
import { getFormId, type KingdeeRun } from '../helpers/run';

const show = { operation: ['query'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Field Keys',
		name: 'fieldKeys',
		type: 'string',
		default: 'FNumber,FName',
		required: true,
		placeholder: 'FCUSTID,FNumber,FName,FCreateOrgId.FNumber',
		description:
			'Comma-separated fields to return (FieldKeys). Reference sub-fields as FCreateOrgId.FNumber, entry IDs as &lt;Entity&gt;_FEntryId. Output items are keyed by these strings.',
		displayOptions: { show },
	},
	{
		displayName: 'Filter',
		name: 'filterString',
		type: 'string',
		default: '',
		placeholder: "FNumber LIKE 'C%' AND FForbidStatus='A'",
		description: 'SQL-like FilterString; quote text values with single quotes',
		displayOptions: { show },
	},
	{
		displayName: 'Order By',
		name: 'orderString',
		type: 'string',
		default: '',
		placeholder: 'FCUSTID ASC',
		description:
			'OrderString. Left empty, the form\'s internal ID (or the first field key) is used, because pages are only stable with a fixed order.',
		displayOptions: { show },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	optionsCollection(
		['query'],
		[
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10000 },
				default: KINGDEE_QUERY_PAGE_SIZE,
				description: 'Rows per ExecuteBillQuery call (Limit). 2,000 works on every server; newer ones allow up to 10,000.',
			},
		],
	),
];

/** ExecuteBillQuery per input item, paged with StartRow/Limit; one output item per row. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		items,
		run,
		'Query',
		(itemIndex) => {
			const formId = getFormId(this, itemIndex);
			const fieldKeys = splitList(this.getNodeParameter('fieldKeys', itemIndex, ''));
			if (fieldKeys.length === 0) {
				throw new NodeOperationError(this.getNode(), 'Field Keys is empty', {
					itemIndex,
					description: 'List the fields to return, e.g. FNumber,FName.',
				});
			}
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const limit = returnAll ? undefined : Number(this.getNodeParameter('limit', itemIndex, 50));
			if (limit !== undefined && (!Number.isFinite(limit) || limit < 1)) {
				throw new NodeOperationError(this.getNode(), `Limit must be at least 1, got ${limit}`, { itemIndex });
			}
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const explicitOrder = String(this.getNodeParameter('orderString', itemIndex, '') ?? '').trim();
			return {
				formId,
				fieldKeys,
				filterString: String(this.getNodeParameter('filterString', itemIndex, '') ?? ''),
				orderString: explicitOrder || `${knownForm(formId)?.primaryKey ?? fieldKeys[0]} ASC`,
				limit,
				pageSize: Number(options.pageSize) > 0 ? Number(options.pageSize) : KINGDEE_QUERY_PAGE_SIZE,
			};
		},
		async (input, session) => (await queryAllRows(session, input)) as IDataObject[],
	);
}
