import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { inputError, readLimit, readWholeNumber } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import type { JikeyunClient } from '../../protocol/client';
import { toJikeyunDateTime } from '../../protocol/salesChannels';
import {
	buildSalesOrderQuery,
	DEFAULT_SALES_ORDER_FIELDS,
	fetchSalesOrders,
	fetchSalesOrderWindow,
	MAX_SALES_ORDER_PAGE_SIZE,
	type SalesOrderFilters,
	salesOrderFieldsText,
	type SalesOrderTimeField,
	SALES_ORDER_TIME_FIELDS,
} from '../../protocol/salesOrders';
import { parseBeijingTime } from '../../protocol/timestamp';
import type { JikeyunRun } from '../run';
import { returnAllAndLimit, SALES_ORDER_STATUS_OPTIONS } from '../descriptions';

const TYPE_OPTIONS = [
	{ name: '1 Retail (零售业务)', value: 1 },
	{ name: '2 Drop Shipping (代发货)', value: 2 },
	{ name: '3 Pre-Sale (预售)', value: 3 },
	{ name: '7 After-Sale Shipment (售后发货)', value: 7 },
	{ name: '8 After-Sale Return (售后退货)', value: 8 },
	{ name: '9 Wholesale (批发)', value: 9 },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Time Field',
		name: 'timeField',
		type: 'options',
		options: [
			{ name: 'Audit Time (auditTime)', value: 'audit' },
			{ name: 'Complete Time (completeTime)', value: 'complete' },
			{ name: 'Consign Time (consignTime, 发货时间)', value: 'consign' },
			{ name: 'Created (gmtCreate)', value: 'created' },
			{ name: 'Modified (gmtModified)', value: 'modified' },
			{ name: 'None (Order Numbers Only)', value: 'none' },
			{ name: 'Trade Time (tradeTime)', value: 'trade' },
		],
		default: 'consign',
		description: 'Which time the From/To range filters on',
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		description:
			'Start of the range, included. Any length: it is read in windows of at most 7 days. Times without a zone are Beijing time (UTC+8).',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		description: 'End of the range, included. Times without a zone are Beijing time (UTC+8).',
	},
	...returnAllAndLimit({}, false),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Order Numbers (tradeNo)',
				name: 'tradeNo',
				type: 'string',
				default: '',
				description: 'Sales order numbers (销售单号), comma-separated',
			},
			{
				displayName: 'Shop IDs (shopIds)',
				name: 'shopIds',
				type: 'string',
				default: '',
				description: 'Shop IDs (the channelId of sales channels), comma-separated',
			},
			{
				displayName: 'Statuses (tradeStatusList)',
				name: 'tradeStatusList',
				type: 'multiOptions',
				options: SALES_ORDER_STATUS_OPTIONS,
				default: [],
			},
			{
				displayName: 'Trade Types (tradeTypeList)',
				name: 'tradeTypeList',
				type: 'multiOptions',
				options: TYPE_OPTIONS,
				default: [],
			},
			{
				displayName: 'Warehouse IDs (warehouseIds)',
				name: 'warehouseIds',
				type: 'string',
				default: '',
				description: 'Warehouse IDs, comma-separated',
			},
		],
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		typeOptions: { rows: 4 },
		default: DEFAULT_SALES_ORDER_FIELDS.join(','),
		description:
			'Fields the gateway returns (fields, required by oms.trade.fullinfoget), comma-separated; order lines as goodsDetail.x. scrollId, tradeNo and gmtModified are always added: the read needs them.',
	},
];

interface GetAllParameters {
	timeField?: SalesOrderTimeField;
	fromMs: number;
	toMs: number;
	query: Record<string, unknown>;
	pageSize: number;
	limit?: number;
}

/** A From/To parameter as ms, or undefined when empty; text that is no date-time fails naming the field. */
function readTime(context: IExecuteFunctions, itemIndex: number, name: 'from' | 'to'): number | undefined {
	const raw = context.getNodeParameter(name, itemIndex, '') as string;
	if (raw === undefined || raw === null || String(raw).trim() === '') return undefined;
	const text = toJikeyunDateTime(String(raw));
	const date = text === undefined ? undefined : parseBeijingTime(text);
	if (!date) {
		throw inputError(
			context.getNode(),
			itemIndex,
			`"${name === 'from' ? 'From' : 'To'}" is not a date-time: "${String(raw)}"`,
			'use yyyy-MM-dd HH:mm:ss (Beijing time) or an ISO date-time such as 2024-01-31T23:59:59+08:00',
		);
	}
	return date.getTime();
}

const splitList = (text: unknown) =>
	String(text ?? '')
		.split(/[,，\s]+/)
		.filter((part) => part !== '');

function readFilters(context: IExecuteFunctions, itemIndex: number): SalesOrderFilters {
	const raw = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	return {
		tradeStatusList: ((raw.tradeStatusList as number[] | undefined) ?? []).map(Number),
		tradeTypeList: ((raw.tradeTypeList as number[] | undefined) ?? []).map(Number),
		shopIds: splitList(raw.shopIds),
		warehouseIds: splitList(raw.warehouseIds),
		tradeNo: splitList(raw.tradeNo).join(','),
	};
}

function readPageAndLimit(context: IExecuteFunctions, itemIndex: number): { pageSize: number; limit?: number } {
	const node = context.getNode();
	const pageSize = readWholeNumber(
		node,
		itemIndex,
		context.getNodeParameter('options.pageSize', itemIndex, MAX_SALES_ORDER_PAGE_SIZE),
		{
			label: 'Page Size',
			min: 1,
			max: MAX_SALES_ORDER_PAGE_SIZE,
			fix: `set "Page Size" in Options to ${MAX_SALES_ORDER_PAGE_SIZE} or less: the gateway rejects larger pages (0130020327)`,
		},
	);
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : readLimit(node, itemIndex, context.getNodeParameter('limit', itemIndex, 50));
	return { pageSize, limit };
}

function readParameters(context: IExecuteFunctions, itemIndex: number): GetAllParameters {
	const chosen = context.getNodeParameter('timeField', itemIndex, 'consign') as string;
	const timeField = chosen in SALES_ORDER_TIME_FIELDS ? (chosen as SalesOrderTimeField) : undefined;
	const fromMs = readTime(context, itemIndex, 'from');
	const toMs = readTime(context, itemIndex, 'to');
	const filters = readFilters(context, itemIndex);
	if (!timeField && (fromMs !== undefined || toMs !== undefined)) {
		throw inputError(
			context.getNode(),
			itemIndex,
			'a From/To range needs a "Time Field"',
			'choose the time the range filters on (e.g. Consign Time), or clear From and To',
		);
	}
	if (timeField && (fromMs === undefined || toMs === undefined)) {
		throw inputError(
			context.getNode(),
			itemIndex,
			`"${fromMs === undefined ? 'From' : 'To'}" is empty`,
			'give both From and To, or set "Time Field" to None and filter by order numbers',
		);
	}
	if (!timeField && !filters.tradeNo) {
		throw inputError(
			context.getNode(),
			itemIndex,
			'no range and no order numbers',
			'oms.trade.fullinfoget needs a time range or order numbers: choose a "Time Field" with From and To, or fill the filter "Order Numbers"',
		);
	}
	if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
		throw inputError(context.getNode(), itemIndex, '"From" is after "To"', 'swap From and To, or correct one of them');
	}
	const fields = salesOrderFieldsText(String(context.getNodeParameter('fields', itemIndex, '')));
	return {
		timeField,
		fromMs: fromMs ?? 0,
		toMs: toMs ?? 0,
		query: buildSalesOrderQuery(filters, fields),
		...readPageAndLimit(context, itemIndex),
	};
}

/**
 * oms.trade.fullinfoget (docs/jikeyun-open-api.md#sales-orders): the range in ≤ 7-day windows, each read by cursor
 * and proven complete (docs/jikeyun-open-api.md#complete-order-reads); one output item per order.
 */
export const getAll = perItemOperation<JikeyunRun, JikeyunClient, GetAllParameters>({
	resource: 'salesOrder',
	option: {
		name: 'Get Many',
		value: 'getAll',
		description: 'List sales orders with their lines (oms.trade.fullinfoget)',
		action: 'Get many sales orders',
	},
	properties,
	label: 'Get Many',
	readParameters,
	async execute(_context, { timeField, fromMs, toMs, query, pageSize, limit }, client) {
		const { records } = timeField
			? await fetchSalesOrders(client, { timeField, fromMs, toMs, query }, { pageSize, limit })
			: await fetchSalesOrderWindow(client, { query }, { pageSize, limit });
		return records as IDataObject[];
	},
});
