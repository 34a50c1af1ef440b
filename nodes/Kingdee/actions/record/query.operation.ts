import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { splitList } from '../../../common/list';
import { inputError, placeName, readLimit, readWholeNumber } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import { isKingdeeApiError, KingdeeApiError } from '../../protocol/errors';
import { knownForm } from '../../protocol/forms';
import { KINGDEE_QUERY_PAGE_SIZE, queryAllRows, type BillQueryInput } from '../../protocol/query';
import type { KingdeeSession } from '../../protocol/session';
import { optionsCollection } from '../descriptions';
import { getFormId } from '../parameters';
import type { KingdeeRun } from '../run';

/** ExecuteBillQuery's upper Limit on current servers (docs/kingdee-webapi.md#query-limits). */
const KINGDEE_QUERY_MAX_PAGE_SIZE = 10000;

/** FNumber, FCreateOrgId.FNumber, FEntity_FEntryId, FNumber AS x is not accepted: plain (dotted) identifiers only. */
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Kingdee refused the query itself (unknown field, bad filter, wrong parameter): say which settings to check. An
 * unknown form keeps its own Form ID hint.
 */
function withQueryHint(error: KingdeeApiError): KingdeeApiError {
	if (error.kind === 'unknownForm' || ![4, 8, 9].includes(error.msgCode ?? -1)) return error;
	return new KingdeeApiError(`${error.message} — check Field Keys, Filter and Order By of this item`, {
		kind: 'invalidRequest',
		service: error.service,
		msgCode: error.msgCode,
		rowErrors: error.rowErrors,
	});
}

const properties: INodeProperties[] = [
	{
		displayName: 'Field Keys',
		name: 'fieldKeys',
		type: 'string',
		default: 'FNumber,FName',
		required: true,
		placeholder: 'FCUSTID,FNumber,FName,FCreateOrgId.FNumber',
		description:
			'Comma-separated fields to return (FieldKeys). Reference sub-fields as FCreateOrgId.FNumber, entry IDs as &lt;Entity&gt;_FEntryId. Output items are keyed by these strings.',
	},
	{
		displayName: 'Filter',
		name: 'filterString',
		type: 'string',
		default: '',
		placeholder: "FNumber LIKE 'C%' AND FForbidStatus='A'",
		description: 'SQL-like FilterString; quote text values with single quotes',
	},
	{
		displayName: 'Order By',
		name: 'orderString',
		type: 'string',
		default: '',
		placeholder: 'FCUSTID ASC',
		description:
			"OrderString. Left empty, the form's internal ID (or the first field key) is used, because pages are only stable with a fixed order.",
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	optionsCollection([
		{
			displayName: 'Page Size',
			name: 'pageSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: KINGDEE_QUERY_MAX_PAGE_SIZE },
			default: KINGDEE_QUERY_PAGE_SIZE,
			description:
				'Rows per ExecuteBillQuery call (Limit). 2,000 works on every server; newer ones allow up to 10,000.',
		},
	]),
];

function readParameters(context: IExecuteFunctions, itemIndex: number): BillQueryInput {
	const node = context.getNode();
	const formId = getFormId(context, itemIndex);
	const fieldKeys = splitList(context.getNodeParameter('fieldKeys', itemIndex, ''));
	if (fieldKeys.length === 0) {
		throw inputError(node, itemIndex, 'Field Keys is empty', 'list the fields to return, e.g. FNumber,FName');
	}
	const badKey = fieldKeys.find((key) => !FIELD_KEY.test(key));
	if (badKey !== undefined) {
		throw inputError(
			node,
			itemIndex,
			`Field Keys has "${badKey}", which is not a field key`,
			'use keys like FNumber, FCreateOrgId.FNumber or FEntity_FEntryId, separated by commas',
		);
	}
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : readLimit(node, itemIndex, context.getNodeParameter('limit', itemIndex, 50));
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pageSize = readWholeNumber(node, itemIndex, options.pageSize ?? KINGDEE_QUERY_PAGE_SIZE, {
		label: 'Page Size',
		min: 1,
		max: KINGDEE_QUERY_MAX_PAGE_SIZE,
		fix: 'set Page Size in Options (2,000 works on every server)',
	});
	const explicitOrder = String(context.getNodeParameter('orderString', itemIndex, '') ?? '').trim();
	return {
		formId,
		fieldKeys,
		filterString: String(context.getNodeParameter('filterString', itemIndex, '') ?? ''),
		orderString: explicitOrder || `${knownForm(formId)?.primaryKey ?? fieldKeys[0]} ASC`,
		limit,
		pageSize,
	};
}

/** ExecuteBillQuery per input item, paged with StartRow/Limit; one output item per row. */
export const query = perItemOperation<KingdeeRun, KingdeeSession, BillQueryInput>({
	resource: 'record',
	option: {
		name: 'Query Records',
		value: 'query',
		action: 'Query records',
		description: 'Read rows with ExecuteBillQuery (field keys, filter, order, paging)',
	},
	properties,
	label: 'Query',
	readParameters,
	async execute(context, input, session, _run, itemIndex) {
		try {
			return (await queryAllRows(session, input)) as IDataObject[];
		} catch (error) {
			if (isKingdeeApiError(error)) throw withQueryHint(error);
			const message = error instanceof Error ? error.message : String(error);
			throw new NodeOperationError(context.getNode(), `${placeName(itemIndex)}: Query failed — ${message}`, {
				itemIndex,
			});
		}
	},
});
