import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { isKingdeeApiError, KingdeeApiError } from '../protocol/errors';
import { knownForm } from '../protocol/forms';
import { splitList } from '../../common/list';
import { KINGDEE_QUERY_PAGE_SIZE, queryAllRows } from '../protocol/query';
import { optionsCollection } from '../helpers/descriptions';
import { runPerItem } from '../helpers/perItem';
import { getFormId, type KingdeeRun } from '../helpers/run';

const show = { operation: ['query'] };

/** ExecuteBillQuery's upper Limit on current servers (reference §6). */
const MAX_PAGE_SIZE = 10000;

/** FNumber, FCreateOrgId.FNumber, FEntity_FEntryId, FNumber AS x is not accepted: plain (dotted) identifiers only. */
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Kingdee refused the query itself (unknown field, bad filter, wrong parameter): say which settings to check. */
function withQueryHint(error: unknown): unknown {
	if (!isKingdeeApiError(error) || ![4, 8, 9].includes(error.msgCode ?? -1)) return error;
	return new KingdeeApiError(`${error.message} — check Field Keys, Filter and Order By of this item`, {
		kind: 'invalidRequest',
		service: error.service,
		msgCode: error.msgCode,
		rowErrors: error.rowErrors,
	});
}

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
				throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: Field Keys is empty: list the fields to return, e.g. FNumber,FName`, {
					itemIndex,
				});
			}
			const badKey = fieldKeys.find((key) => !FIELD_KEY.test(key));
			if (badKey !== undefined) {
				throw new NodeOperationError(
					this.getNode(),
					`Item ${itemIndex}: Field Keys has "${badKey}", which is not a field key: use keys like FNumber, FCreateOrgId.FNumber or FEntity_FEntryId, separated by commas`,
					{ itemIndex },
				);
			}
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const limit = returnAll ? undefined : Number(this.getNodeParameter('limit', itemIndex, 50));
			if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
				throw new NodeOperationError(
					this.getNode(),
					`Item ${itemIndex}: Limit must be a whole number of at least 1, got ${limit}: set Limit (e.g. 50) or turn on Return All`,
					{ itemIndex },
				);
			}
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const pageSize = options.pageSize === undefined ? KINGDEE_QUERY_PAGE_SIZE : Number(options.pageSize);
			if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
				throw new NodeOperationError(
					this.getNode(),
					`Item ${itemIndex}: Page Size must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${String(options.pageSize)}: set Page Size in Options (2,000 works on every server)`,
					{ itemIndex },
				);
			}
			const explicitOrder = String(this.getNodeParameter('orderString', itemIndex, '') ?? '').trim();
			return {
				formId,
				fieldKeys,
				filterString: String(this.getNodeParameter('filterString', itemIndex, '') ?? ''),
				orderString: explicitOrder || `${knownForm(formId)?.primaryKey ?? fieldKeys[0]} ASC`,
				limit,
				pageSize,
			};
		},
		async (input, session) => {
			let rows: IDataObject[] | undefined;
			let failure: unknown;
			try {
				rows = (await queryAllRows(session, input)) as IDataObject[];
			} catch (error) {
				failure = error;
			}
			if (rows) return rows;
			throw withQueryHint(failure);
		},
	);
}
