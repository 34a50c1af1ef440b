import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { inputError, readLimit, readWholeNumber, type WholeNumberRule } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import type { JikeyunClient } from '../../protocol/client';
import { DEFAULT_JIKEYUN_PAGE_SIZE } from '../../protocol/listMethod';
import { returnAllAndLimit } from '../descriptions';
import {
	fetchSalesChannels,
	MAX_SALES_CHANNEL_PAGE_SIZE,
	type SalesChannelFilters,
	toJikeyunDateTime,
} from '../../protocol/salesChannels';
import type { JikeyunRun } from '../run';

const properties: INodeProperties[] = [
	...returnAllAndLimit({}, false),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Category Names (cateNames)',
				name: 'cateNames',
				type: 'string',
				default: '',
				description: 'Channel category names (渠道分类), comma-separated',
			},
			{
				displayName: 'Channel Code (Code)',
				name: 'code',
				type: 'string',
				default: '',
				description: 'Exact channel code (渠道编码)',
			},
			{
				displayName: 'Channel Codes (channelCodes)',
				name: 'channelCodes',
				type: 'string',
				default: '',
				description: 'Several channel codes, comma-separated',
			},
			{
				displayName: 'Channel IDs (channelIds)',
				name: 'channelIds',
				type: 'string',
				default: '',
				description: 'Several channel IDs, comma-separated',
			},
			{
				displayName: 'Channel Name (Name)',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Channel name (渠道名称); the gateway matches it fuzzily',
			},
			{
				displayName: 'Deleted (isDelete)',
				name: 'isDelete',
				type: 'options',
				options: [
					{ name: 'Only Deleted', value: 1 },
					{ name: 'Only Not Deleted', value: 0 },
				],
				default: 0,
				description: 'Filter on the deleted flag (已删除)',
			},
			{
				displayName: 'Include Deleted and Stopped (includeDeleteAndBlockup)',
				name: 'includeDeleteAndBlockup',
				type: 'boolean',
				default: true,
				description:
					'Whether to return deleted and stopped channels too (the gateway hides them by default, as it does for warehouses)',
			},
			{
				displayName: 'Modified After (gmtModifiedStart)',
				name: 'gmtModifiedStart',
				type: 'dateTime',
				default: '',
				description: 'Start of the modified-time window. Times without a zone are read as Beijing time (UTC+8).',
			},
			{
				displayName: 'Modified Before (gmtModifiedEnd)',
				name: 'gmtModifiedEnd',
				type: 'dateTime',
				default: '',
				description: 'End of the modified-time window. Times without a zone are read as Beijing time (UTC+8).',
			},
			{
				displayName: 'Stopped (isBlockup)',
				name: 'isBlockup',
				type: 'options',
				options: [
					{ name: 'Only Stopped', value: 1 },
					{ name: 'Only Active', value: 0 },
				],
				default: 0,
				description: 'Filter on the blocked-up flag (停用)',
			},
		],
	},
];

const DATE_FILTERS = ['gmtModifiedStart', 'gmtModifiedEnd'] as const;

interface GetAllParameters {
	filters: SalesChannelFilters;
	pageSize: number;
	limit?: number;
}

/** The page size erp.sales.get accepts (docs/jikeyun-open-api.md#paging). */
const salesChannelPageSizeRule: WholeNumberRule = {
	label: 'Page Size',
	min: 1,
	max: MAX_SALES_CHANNEL_PAGE_SIZE,
	fix: `set "Page Size" in Options to ${MAX_SALES_CHANNEL_PAGE_SIZE} or less: the gateway rejects larger pages (0130020327)`,
};

function readParameters(context: IExecuteFunctions, itemIndex: number): GetAllParameters {
	const node = context.getNode();
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const filters = { ...(context.getNodeParameter('filters', itemIndex, {}) as IDataObject) } as SalesChannelFilters;
	const pageSize = readWholeNumber(
		node,
		itemIndex,
		context.getNodeParameter('options.pageSize', itemIndex, DEFAULT_JIKEYUN_PAGE_SIZE),
		salesChannelPageSizeRule,
	);
	const limit = returnAll ? undefined : readLimit(node, itemIndex, context.getNodeParameter('limit', itemIndex, 50));
	if (filters.includeDeleteAndBlockup !== undefined) {
		// The gateway reads 1 as "include"; anything else filters them out.
		filters.includeDeleteAndBlockup = filters.includeDeleteAndBlockup ? 1 : 0;
	}
	for (const key of DATE_FILTERS) {
		const raw = filters[key];
		if (raw === undefined || raw === '') continue;
		const converted = toJikeyunDateTime(String(raw));
		if (!converted) {
			throw inputError(
				node,
				itemIndex,
				`Filter "${key}" is not a date-time: "${String(raw)}"`,
				'use yyyy-MM-dd HH:mm:ss (Beijing time) or an ISO date-time such as 2024-01-31T23:59:59+08:00',
			);
		}
		filters[key] = converted;
	}
	return { filters, pageSize, limit };
}

/** erp.sales.get, all pages (docs/jikeyun-open-api.md#sales-channel-request); one output item per shop. */
export const getAll = perItemOperation<JikeyunRun, JikeyunClient, GetAllParameters>({
	resource: 'salesChannel',
	option: {
		name: 'Get Many',
		value: 'getAll',
		description: 'List sales channels (shops) with erp.sales.get',
		action: 'Get many sales channels',
	},
	properties,
	label: 'Get Many',
	readParameters,
	async execute(_context, { filters, pageSize, limit }, client) {
		const { records } = await fetchSalesChannels(client, filters, { pageSize, limit });
		return records as IDataObject[];
	},
});
