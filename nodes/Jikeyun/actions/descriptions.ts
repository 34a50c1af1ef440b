import type { IDisplayOptions, IExecuteFunctions, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { readRunOptions } from '../../shared/runOptions';
import { includeCallReportOption, maxTriesOption, optionsCollectionOf, timeoutOption } from '../../shared/descriptions';
import { DEFAULT_JIKEYUN_PAGE_SIZE } from '../protocol/listMethod';
import { MAX_SALES_CHANNEL_PAGE_SIZE } from '../protocol/salesChannels';
import { DEFAULT_JIKEYUN_CALL_OPTIONS, type JikeyunCallOptions } from '../transport';

type Show = NonNullable<IDisplayOptions['show']>;

const { requestsPerSecond, maxRetryWaitSeconds } = DEFAULT_JIKEYUN_CALL_OPTIONS;

/** Request pacing and retry options, the same for every operation and the trigger. */
const transportOptionFields: INodeProperties[] = [
	{
		// Name kept from the fixed limit it used to be, so saved workflows keep their value.
		displayName: 'Max Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: requestsPerSecond,
		description:
			'Upper bound of the client-side rate shared by all calls of one run. The rate adapts below it: each time the gateway throttles (限流, HTTP 429) it is halved (down to 0.5/s), then it climbs back while there is no throttling. 0 = no bound until the gateway first throttles.',
	},
	maxTriesOption(
		DEFAULT_JIKEYUN_CALL_OPTIONS.maxTries,
		'Attempts per call when the gateway throttles or has a temporary problem (exponential backoff with jitter). Errors such as a bad signature fail at once.',
	),
	{
		displayName: 'Max Retry Wait (Seconds)',
		name: 'maxRetryWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: maxRetryWaitSeconds,
		description: 'Upper bound of a single wait between two attempts',
	},
	timeoutOption(DEFAULT_JIKEYUN_CALL_OPTIONS.timeoutSeconds, 'How long to wait for one HTTP answer'),
];

/** The transport options of the run (item 0's or the poll's, see readRunOptions), else the defaults. */
export function readTransportOptions(context: IExecuteFunctions | IPollFunctions): JikeyunCallOptions {
	const options = readRunOptions(context);
	const pick = (key: keyof JikeyunCallOptions) => {
		const value = Number(options[key]);
		return Number.isFinite(value) ? value : DEFAULT_JIKEYUN_CALL_OPTIONS[key];
	};
	return {
		requestsPerSecond: pick('requestsPerSecond'),
		maxTries: pick('maxTries'),
		maxRetryWaitSeconds: pick('maxRetryWaitSeconds'),
		timeoutSeconds: pick('timeoutSeconds'),
	};
}

/** Return All + Limit, shown where `show` matches. */
export function returnAllAndLimit(show: Show, returnAllDefault: boolean): INodeProperties[] {
	const returnAll: INodeProperties = {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	};
	return [
		{ ...returnAll, default: returnAllDefault },
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

/** Where a generic list method keeps its records and how it pages (Call Method and the trigger's generic mode). */
export function listPagingFields(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'List Path in Result Data',
			name: 'listPath',
			type: 'string',
			displayOptions: { show },
			default: '',
			placeholder: 'warehouseInfo',
			description:
				'Dot path of the record list inside result.data (e.g. warehouseInfo, goods, trades). Empty: result.data itself when it is a list, else its first list. JSON text in data is parsed.',
		},
		{
			displayName: 'Page Index Parameter',
			name: 'pageIndexParameter',
			type: 'string',
			displayOptions: { show },
			default: 'pageIndex',
		},
		{
			displayName: 'First Page Index',
			name: 'firstPageIndex',
			type: 'options',
			displayOptions: { show },
			options: [
				{ name: 'Zero', value: 0, description: 'Most methods, e.g. erp.sales.get' },
				{ name: 'One', value: 1, description: 'Some methods, e.g. wms.order.query-info.page' },
			],
			default: 0,
		},
		{
			displayName: 'Page Size Parameter',
			name: 'pageSizeParameter',
			type: 'string',
			displayOptions: { show },
			default: 'pageSize',
		},
	];
}

/**
 * The `options` collection: Page Size, then pacing and retries. `pageSizeShow` limits where Page Size
 * appears (the node shows it for sales channels only; Call Method has its own page size).
 */
export function optionsCollection(pageSizeShow?: Show, { callReportOption = false } = {}): INodeProperties {
	const callReport: INodeProperties[] = callReportOption
		? [
				includeCallReportOption(
					'Whether to add one item at the end of the output with every gateway call of this run (method, page or item, attempt, duration, outcome, subCode, contextId). A one-line summary is always shown as an execution hint.',
				),
			]
		: [];
	return optionsCollectionOf([
		{
			displayName: 'Page Size',
			name: 'pageSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_SALES_CHANNEL_PAGE_SIZE },
			...(pageSizeShow ? { displayOptions: { show: pageSizeShow } } : {}),
			default: DEFAULT_JIKEYUN_PAGE_SIZE,
			description: 'Records per request (the gateway allows at most 200). Sales orders: 200 unless set.',
		},
		...transportOptionFields,
		...callReport,
	]);
}

/** Jikeyun's order statuses (tradeStatus; docs/jikeyun-open-api.md#sales-orders), for Get Many and the trigger. */
export const SALES_ORDER_STATUS_OPTIONS = [
	{ name: '1010 Awaiting Audit (待审核)', value: 1010 },
	{ name: '4110 Awaiting Shipment (待发货待递交)', value: 4110 },
	{ name: '5010 Cancelled (已取消)', value: 5010 },
	{ name: '5020 Cancelled, Merged (已取消被合并)', value: 5020 },
	{ name: '5030 Cancelled, Split (已取消被拆分)', value: 5030 },
	{ name: '6000 Shipped, in Transit (发货在途)', value: 6000 },
	{ name: '9090 Completed (已完成)', value: 9090 },
];
