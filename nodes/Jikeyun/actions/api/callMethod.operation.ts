import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { inputError, readLimit, readWholeNumber } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import type { JikeyunClient } from '../../protocol/client';
import { listPagingFields, returnAllAndLimit } from '../descriptions';
import { readBizContentParameter } from '../../protocol/bizContent';
import {
	type CursorPaging,
	DEFAULT_JIKEYUN_PAGE_SIZE,
	fetchJikeyunList,
	type FetchListOptions,
} from '../../protocol/listMethod';
import type { JikeyunRun } from '../run';

/** Shown only when Paginate is on (the registry adds resource and operation). */
const showPaged = { paginate: [true] };

const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'erp.warehouse.get',
		description:
			'Any Open API method name (方法名称), e.g. erp.warehouse.get, oms.trade.fullinfoget, erp.stockquantity.get. It must be subscribed for your app.',
	},
	{
		displayName: 'Business Parameters (Bizcontent)',
		name: 'bizContent',
		type: 'json',
		default: '{}',
		description:
			"The method's parameters as JSON (any JSON value: most methods take an object, a few an array). Sent exactly as written unless pagination adds its page keys.",
	},
	{
		displayName: 'Paginate',
		name: 'paginate',
		type: 'boolean',
		default: false,
		description: 'Whether to page through a list method and output one item per record',
	},
	...returnAllAndLimit(showPaged, true),
	{
		displayName: 'Pagination Style',
		name: 'paginationStyle',
		type: 'options',
		displayOptions: { show: showPaged },
		options: [
			{
				name: 'Page Index (Offset)',
				value: 'offset',
				description: 'Pages by a page number, e.g. pageIndex of erp.* methods',
			},
			{
				name: 'Cursor',
				value: 'cursor',
				description:
					'Each answer carries the cursor of the next page, e.g. scrollId of oms.trade.fullinfoget; the first request sends an empty cursor, the read ends at an empty page',
			},
		],
		default: 'offset',
	},
	{
		displayName: 'Cursor Parameter',
		name: 'cursorParameter',
		type: 'string',
		displayOptions: { show: { ...showPaged, paginationStyle: ['cursor'] } },
		default: 'scrollId',
		description:
			'Bizcontent key of the cursor. Methods with a field list may also need it there (oms.trade.fullinfoget: add scrollId to "fields").',
	},
	{
		displayName: 'Cursor Path in Result Data',
		name: 'cursorPath',
		type: 'string',
		displayOptions: { show: { ...showPaged, paginationStyle: ['cursor'] } },
		default: 'scrollId',
		description: 'Dot path of the next cursor inside result.data',
	},
	...listPagingFields(showPaged),
	{
		displayName: 'Record ID Field',
		name: 'idField',
		type: 'string',
		displayOptions: { show: showPaged },
		default: '',
		placeholder: 'warehouseId',
		description:
			'Dot path of the field that identifies a record. Used to check that a multi-page list did not change while it was read. Empty: records are compared by their whole content.',
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		displayOptions: { show: showPaged },
		typeOptions: { minValue: 1 },
		default: DEFAULT_JIKEYUN_PAGE_SIZE,
		description: 'Records per request (most methods allow at most 200)',
	},
	{
		// Name kept from "Retry Write Methods", which meant the same, so saved workflows keep their value.
		displayName: 'Read Only (Safe to Retry)',
		name: 'retryWrites',
		type: 'boolean',
		default: false,
		description:
			'Whether this method only reads, so a call whose answer was lost may be sent again. Only the documented read methods (e.g. erp.sales.get, oms.trade.fullinfoget) count as reads without it; any other method is treated as a write and not re-sent after a lost answer, as it may already have run. Throttled calls are always retried.',
	},
];

interface CallMethodParameters {
	method: string;
	bizContent: { text: string; value: unknown };
	retryWrites: boolean;
	/** Set when Paginate is on: how to page through the list. */
	paging?: Omit<FetchListOptions, 'method' | 'query' | 'retryWrites'>;
}

function readParameters(context: IExecuteFunctions, itemIndex: number): CallMethodParameters {
	const method = String(context.getNodeParameter('method', itemIndex, '')).trim();
	if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(method)) {
		throw inputError(
			context.getNode(),
			itemIndex,
			`Method "${method}" is not a Jikeyun method name`,
			'give a dotted method name such as erp.warehouse.get',
		);
	}
	const paginate = context.getNodeParameter('paginate', itemIndex, false) as boolean;
	const bizContent = readBizContentParameter(
		context.getNodeParameter('bizContent', itemIndex, '{}'),
		`item ${itemIndex}`,
		{
			requireObject: paginate,
		},
	);
	const retryWrites = context.getNodeParameter('retryWrites', itemIndex, false) as boolean;
	if (!paginate) return { method, bizContent, retryWrites };

	const returnAll = context.getNodeParameter('returnAll', itemIndex, true) as boolean;
	const limit = returnAll
		? undefined
		: readLimit(context.getNode(), itemIndex, context.getNodeParameter('limit', itemIndex, 50));
	const pageSize = readWholeNumber(
		context.getNode(),
		itemIndex,
		context.getNodeParameter('pageSize', itemIndex, DEFAULT_JIKEYUN_PAGE_SIZE),
		{
			label: 'Page Size',
			min: 1,
			fix: 'set "Page Size" to the records per page the method allows (most allow 1 to 200)',
		},
	);
	return {
		method,
		bizContent,
		retryWrites,
		paging: {
			pageSize,
			limit,
			startIndex: Number(context.getNodeParameter('firstPageIndex', itemIndex, 0)),
			pageIndexParameter: String(context.getNodeParameter('pageIndexParameter', itemIndex, 'pageIndex')),
			pageSizeParameter: String(context.getNodeParameter('pageSizeParameter', itemIndex, 'pageSize')),
			listPath: String(context.getNodeParameter('listPath', itemIndex, '')),
			idPath: String(context.getNodeParameter('idField', itemIndex, '')),
			cursor: readCursorPaging(context, itemIndex),
		},
	};
}

function readCursorPaging(context: IExecuteFunctions, itemIndex: number): CursorPaging | undefined {
	if (context.getNodeParameter('paginationStyle', itemIndex, 'offset') !== 'cursor') return undefined;
	const parameter = String(context.getNodeParameter('cursorParameter', itemIndex, 'scrollId')).trim();
	const path = String(context.getNodeParameter('cursorPath', itemIndex, 'scrollId')).trim();
	for (const [value, field] of [
		[parameter, 'Cursor Parameter'],
		[path, 'Cursor Path in Result Data'],
	]) {
		if (value === '') {
			throw inputError(context.getNode(), itemIndex, `"${field}" is empty`, "give the cursor's name, e.g. scrollId");
		}
	}
	return { parameter, path };
}

const isObject = (value: unknown): value is IDataObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

/** Any Open API method with the item's bizcontent; with Paginate, one output item per record of all pages. */
export const callMethod = perItemOperation<JikeyunRun, JikeyunClient, CallMethodParameters>({
	resource: 'api',
	option: {
		name: 'Call Method',
		value: 'callMethod',
		description: 'Call any Open API method with signed parameters',
		action: 'Call an API method',
	},
	properties,
	label: 'Call Method',
	readParameters,
	async execute(_context, { method, bizContent, retryWrites, paging }, client, _run, itemIndex) {
		if (!paging) {
			const { data } = await client.call(method, bizContent.text, { retryWrites, part: `item ${itemIndex}` });
			return [isObject(data) ? data : { data: data as IDataObject[] }];
		}
		const { records } = await fetchJikeyunList(client, {
			...paging,
			method,
			query: bizContent.value as Record<string, unknown>,
			retryWrites,
		});
		return records.map((record) => (isObject(record) ? record : { value: record as string }));
	},
});
