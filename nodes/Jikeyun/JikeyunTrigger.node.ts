import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import {
	listPagingFields,
	optionsCollection,
	readTransportOptions,
	SALES_ORDER_STATUS_OPTIONS,
} from './actions/descriptions';
import { toNodeError } from './actions/errors';
import {
	DEFAULT_FULL_REEMIT_HOURS,
	type IncrementalState,
	isFullReEmitDue,
	keyRecords,
	pruneSeen,
	readIncrementalState,
	seenFromScan,
	selectChanged,
	splitWindow,
} from './protocol/incrementalSync';
import { readBizContentParameter } from './protocol/bizContent';
import { DEFAULT_JIKEYUN_PAGE_SIZE, fetchJikeyunList, idFrom, type FetchListResult } from './protocol/listMethod';
import { fetchSalesChannels, MAX_SALES_CHANNEL_PAGE_SIZE, SALES_CHANNEL_ID_PATH } from './protocol/salesChannels';
import type { JikeyunClient } from './protocol/client';
import { formatBeijingTime } from './protocol/timestamp';
import { pollSalesOrderChanges, readSalesOrderSyncState } from './protocol/salesOrderSync';
import {
	buildSalesOrderQuery,
	DEFAULT_SALES_ORDER_FIELDS,
	MAX_SALES_ORDER_PAGE_SIZE,
	salesOrderFieldsText,
} from './protocol/salesOrders';
import { startJikeyunRun } from './transport';
import { credentialFailure } from '../shared/errors';
import { inputError, readWholeNumber } from '../shared/input';
import { readRunOptions } from '../shared/runOptions';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const MANUAL_SAMPLE_SIZE = 5;
const DEFAULT_LOOKBACK_MS = 24 * HOUR_MS;
const STATE_KEY = 'jikeyunIncremental';
/** Sales Order Changed keeps its own state (protocol/salesOrderSync.ts). */
const SALES_ORDER_STATE_KEY = 'jikeyunSalesOrders';

const showSales = { event: ['salesChannelChanged'] };
const showMethod = { event: ['methodWindow'] };
const showOrders = { event: ['salesOrderChanged'] };

/** Where records come from: a complete scan, or one modified-time window. */
interface RecordSource {
	fetchAll(limit?: number): Promise<FetchListResult>;
	fetchWindow(startMs: number, endMs: number, shouldStop: () => boolean): Promise<FetchListResult>;
	idOf(record: unknown): string | undefined;
}

export class JikeyunTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jikeyun Trigger',
		name: 'jikeyunTrigger',
		icon: { light: 'file:jikeyun.svg', dark: 'file:jikeyun.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		documentationUrl: 'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#trigger-jikeyun-trigger',
		description:
			'Emits new and changed Jikeyun (吉客云) sales channels, sales orders, or records of any method with a modified-time window, without missing any',
		defaults: { name: 'Jikeyun Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'jikeyunApi', required: true }],
		properties: [
			{
				displayName:
					'How changes are found: each poll reads the channels modified in [last successful poll − overlap, now] (or all channels, with "Full Scan") and emits a channel only when its content hash differs from the last one emitted, so nothing is emitted twice. Sales channel records carry no modification time, so the content hash decides. The watermark moves only after every page was read. n8n saves it as soon as items are emitted, so a failure further down the workflow is healed by the full re-emit (hourly by default; idempotent with Kingdee upsert by number): every channel reaches the target at least once per re-emit period.',
				name: 'notice',
				type: 'notice',
				displayOptions: { show: showSales },
				default: '',
			},
			{
				displayName:
					'Run by hand (Execute workflow, Fetch Test Event) this trigger emits every sales channel, a full resync, and leaves the watermark alone. For a method it emits a sample: the first 5 records modified in the last 24 hours.',
				name: 'manualRunNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Sales Channel Created or Changed',
						value: 'salesChannelChanged',
						description: 'Shops (销售渠道) from erp.sales.get',
					},
					{
						name: 'Sales Order Changed',
						value: 'salesOrderChanged',
						description:
							'Sales orders (销售单) from oms.trade.fullinfoget whose content changed since they were last emitted, by gmtModified',
					},
					{
						name: 'Records of Any Method (Modified-Time Window)',
						value: 'methodWindow',
						description: 'Any list method that filters by a modified-time window, e.g. erp.warehouse.get',
					},
				],
				default: 'salesChannelChanged',
			},
			{
				displayName: 'Change Detection',
				name: 'changeDetection',
				type: 'options',
				displayOptions: { show: showSales },
				options: [
					{
						name: 'Modified-Time Window + Content Hash',
						value: 'window',
						description: 'Query gmtModifiedStart/End since the last poll (minus the overlap); cheap',
					},
					{
						name: 'Full Scan + Content Hash',
						value: 'fullScan',
						description:
							'Read every channel on each poll and emit those whose content changed; independent of the modified-time filter (a handful of requests for a few hundred shops)',
					},
				],
				default: 'window',
			},
			{
				displayName: 'Method',
				name: 'method',
				type: 'string',
				required: true,
				displayOptions: { show: showMethod },
				default: '',
				placeholder: 'erp.warehouse.get',
			},
			{
				displayName: 'Business Parameters (Bizcontent)',
				name: 'bizContent',
				type: 'json',
				displayOptions: { show: showMethod },
				default: '{}',
				description: 'Fixed parameters sent with every call; the window and page keys are added',
			},
			{
				displayName: 'Window Start Parameter',
				name: 'windowStartParameter',
				type: 'string',
				displayOptions: { show: showMethod },
				default: 'gmtModifiedStart',
				description: 'E.g. gmtModifiedStart, startModified, gmtModifiedBegin, startModifyTime.',
			},
			{
				displayName: 'Window End Parameter',
				name: 'windowEndParameter',
				type: 'string',
				displayOptions: { show: showMethod },
				default: 'gmtModifiedEnd',
			},
			{
				displayName: 'Window Time Format',
				name: 'windowTimeFormat',
				type: 'options',
				displayOptions: { show: showMethod },
				options: [
					{ name: 'Beijing Time Text (2024-01-31 23:59:59)', value: 'beijing' },
					{ name: 'Epoch Milliseconds', value: 'epochMs' },
				],
				default: 'beijing',
			},
			{
				displayName: 'Record ID Field',
				name: 'idField',
				type: 'string',
				displayOptions: { show: showMethod },
				default: '',
				placeholder: 'warehouseId',
				description:
					'Field that identifies a record, used to emit each version of a record once. Empty: records are told apart by their whole content.',
			},
			...listPagingFields(showMethod),
			{
				displayName: 'Order Statuses',
				name: 'orderStatuses',
				type: 'multiOptions',
				displayOptions: { show: showOrders },
				options: SALES_ORDER_STATUS_OPTIONS,
				default: [],
				description:
					'Only orders in these statuses (tradeStatusList); none = every status. Keep cancelled ones in view when the workflow must see cancellations.',
			},
			{
				displayName: 'Fields',
				name: 'orderFields',
				type: 'string',
				typeOptions: { rows: 4 },
				displayOptions: { show: showOrders },
				default: DEFAULT_SALES_ORDER_FIELDS.join(','),
				description:
					'Fields the gateway returns (fields), comma-separated; order lines as goodsDetail.x. scrollId, tradeNo and gmtModified are always added.',
			},
			{
				displayName: 'On First Run',
				name: 'firstRun',
				type: 'options',
				options: [
					{
						name: 'Emit All Existing Records',
						value: 'emitAll',
						description: 'The first poll emits every record (for methods: those modified in the look-back period)',
					},
					{
						name: 'Start From Now',
						value: 'startFromNow',
						description: 'The first poll only remembers the current state; later polls emit changes',
					},
				],
				default: 'emitAll',
			},
			{
				displayName: 'First Run Look-Back (Hours)',
				name: 'firstRunLookbackHours',
				type: 'number',
				displayOptions: { show: { event: ['methodWindow', 'salesOrderChanged'], firstRun: ['emitAll'] } },
				typeOptions: { minValue: 1 },
				default: 24,
			},
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description:
					'Each window starts this long before the previous one ended, so records indexed late are not missed; repeats are filtered by content hash',
			},
			{
				displayName: 'Max Window (Hours)',
				name: 'maxWindowHours',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 2 },
				default: 24,
				description:
					'Longer windows (e.g. after a pause) are split into windows of at most this span; some methods allow only 24 h or 7 days',
			},
			{
				displayName: 'Full Re-Emit Every (Hours)',
				name: 'fullRescanHours',
				type: 'number',
				displayOptions: { show: showSales },
				typeOptions: { minValue: 0, numberPrecision: 2 },
				// Literal for the lint rule; equals DEFAULT_FULL_REEMIT_HOURS.
				default: 1,
				description:
					"Emit every channel again at this interval, changed or not. A downstream write that failed is retried at the next full re-emit, so a change reaches Kingdee within this period after the fault clears. Cheap with Kingdee Batch Save's Skip Unchanged: unchanged records cost no write. Fractions allowed (0.5 = 30 min); 0 = never.",
			},
			optionsCollection(),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const startedMs = Date.now();
		const options = readRunOptions(this);
		const run = await startJikeyunRun(this, readTransportOptions(this));
		try {
			if (run.credentialProblem !== undefined)
				throw credentialFailure(this.getNode(), run.credentialProblem, 'Jikeyun', 0, 'Poll').error;
			const parameters = readPollParameters(this, options);
			const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : 5 * MINUTE_MS;
			const shouldStop = () => Date.now() - startedMs > budgetMs * 0.8;
			const emitted =
				parameters.event === 'salesOrderChanged'
					? await pollSalesOrders(this, run.client, parameters, shouldStop)
					: await pollRecords(this, run.client, parameters, shouldStop);
			return emitted.length ? [emitted.map((record) => ({ json: record as IDataObject }))] : null;
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0, 'Poll');
		} finally {
			// Execution hints are not available to poll functions: the summary goes to the debug log.
			this.logger.debug(run.report.summaryLine('Jikeyun Trigger'));
		}
	}
}

/** Everything a poll reads from the node, checked once (ARCHITECTURE.md#how-to-add-a-jikeyun-method). */
interface PollParameters {
	event: 'salesChannelChanged' | 'methodWindow' | 'salesOrderChanged';
	manual: boolean;
	pageSize: number;
	overlapMs: number;
	maxWindowMs: number;
	firstRun: string;
	lookbackMs: number;
	/** Shops only: 'window' or 'fullScan'. */
	detection: string;
	reEmitHours: number;
}

function readPollParameters(context: IPollFunctions, options: IDataObject): PollParameters {
	const event = context.getNodeParameter('event', 'salesChannelChanged') as PollParameters['event'];
	const isShops = event === 'salesChannelChanged';
	const firstRun = context.getNodeParameter('firstRun', 'emitAll') as string;
	const pageSize = readWholeNumber(
		context.getNode(),
		'poll',
		options.pageSize ?? (event === 'salesOrderChanged' ? MAX_SALES_ORDER_PAGE_SIZE : DEFAULT_JIKEYUN_PAGE_SIZE),
		{
			label: 'Page Size',
			min: 1,
			max: event === 'methodWindow' ? undefined : MAX_SALES_CHANNEL_PAGE_SIZE,
			fix: `set "Page Size" in Options to the records per page the method allows (erp.sales.get and oms.trade.fullinfoget: 1 to ${MAX_SALES_CHANNEL_PAGE_SIZE})`,
		},
	);
	return {
		event,
		manual: context.getMode() === 'manual',
		pageSize,
		overlapMs: Math.max(0, Number(context.getNodeParameter('overlapMinutes', 5))) * MINUTE_MS,
		maxWindowMs: Math.max(0.1, Number(context.getNodeParameter('maxWindowHours', 24))) * HOUR_MS,
		firstRun,
		// Shown only for a first run that emits; a manual sample of the other events reads the default day.
		lookbackMs:
			!isShops && firstRun === 'emitAll'
				? Math.max(1 / 60, Number(context.getNodeParameter('firstRunLookbackHours', 24))) * HOUR_MS
				: DEFAULT_LOOKBACK_MS,
		detection: isShops ? (context.getNodeParameter('changeDetection', 'window') as string) : 'window',
		reEmitHours: isShops ? Number(context.getNodeParameter('fullRescanHours', DEFAULT_FULL_REEMIT_HOURS)) : 0,
	};
}

/** Sales Order Changed (docs/jikeyun-open-api.md#sales-order-changed): state under its own key, written after a complete read. */
async function pollSalesOrders(
	context: IPollFunctions,
	client: JikeyunClient,
	parameters: PollParameters,
	shouldStop: () => boolean,
): Promise<unknown[]> {
	const query = buildSalesOrderQuery(
		{ tradeStatusList: (context.getNodeParameter('orderStatuses', []) as number[]).map(Number) },
		salesOrderFieldsText(String(context.getNodeParameter('orderFields', DEFAULT_SALES_ORDER_FIELDS.join(',')))),
	);
	const nowMs = Date.now();
	const settings = { ...parameters, nowMs, query, shouldStop };
	if (parameters.manual) {
		// Run by hand: a sample of the look-back period, the state left alone.
		return (await pollSalesOrderChanges(client, undefined, settings)).emitted.slice(0, MANUAL_SAMPLE_SIZE);
	}
	const staticData = context.getWorkflowStaticData('node');
	const previous = readSalesOrderSyncState(staticData[SALES_ORDER_STATE_KEY]);
	if (!previous && parameters.firstRun === 'startFromNow') {
		// Remember what the overlap will read again next time, so only changes after this poll are emitted.
		const { next } = await pollSalesOrderChanges(client, undefined, { ...settings, lookbackMs: parameters.overlapMs });
		staticData[SALES_ORDER_STATE_KEY] = next as unknown as IDataObject;
		return [];
	}
	const { emitted, next } = await pollSalesOrderChanges(client, previous, settings);
	// Only now, with every request done, does the state change (and n8n persists it on emit).
	staticData[SALES_ORDER_STATE_KEY] = next as unknown as IDataObject;
	return emitted;
}

/** Sales channels and method windows: first run, full re-emit, full scan or windows, then the new state. */
async function pollRecords(
	context: IPollFunctions,
	client: JikeyunClient,
	parameters: PollParameters,
	shouldStop: () => boolean,
): Promise<unknown[]> {
	const { event, pageSize, overlapMs, maxWindowMs, firstRun } = parameters;
	const source = event === 'methodWindow' ? methodSource(context, client, pageSize) : salesSource(client, pageSize);
	// Run by hand (the editor's Execute workflow picks this trigger before a Manual Trigger, or Fetch Test
	// Event): every shop, so the obvious click is a full resync; a method window has no "all", so a sample.
	// The watermark is left alone either way.
	if (parameters.manual) {
		return (await source.fetchAll(event === 'methodWindow' ? MANUAL_SAMPLE_SIZE : undefined)).records;
	}
	const staticData = context.getWorkflowStaticData('node');
	const previous = readIncrementalState(staticData[STATE_KEY]);
	const nowMs = Date.now();
	const fullScanAvailable = event === 'salesChannelChanged';
	const windowSettings = { maxWindowMs, overlapMs, shouldStop };
	let emitted: unknown[];
	let next: IncrementalState;
	const scan = async () => keyRecords((await source.fetchAll()).records, source.idOf);

	if (!previous || previous.watermarkMs === undefined) {
		if (fullScanAvailable) {
			const keyed = await scan();
			emitted = firstRun === 'emitAll' ? keyed.map((entry) => entry.record) : [];
			next = { version: 1, watermarkMs: nowMs, seen: seenFromScan(keyed, nowMs), lastFullEmitMs: nowMs };
		} else if (firstRun === 'emitAll') {
			const start = { version: 1 as const, seen: {} };
			({ emitted, next } = await pollWindows(source, start, nowMs - parameters.lookbackMs, nowMs, windowSettings));
		} else {
			emitted = [];
			next = { version: 1, watermarkMs: nowMs, seen: {} };
		}
	} else if (isFullReEmitDue(previous.lastFullEmitMs, nowMs, parameters.reEmitHours)) {
		const keyed = await scan();
		emitted = keyed.map((entry) => entry.record);
		next = { version: 1, watermarkMs: nowMs, seen: seenFromScan(keyed, nowMs), lastFullEmitMs: nowMs };
	} else if (parameters.detection === 'fullScan') {
		const keyed = await scan();
		emitted = selectChanged(keyed, previous.seen, nowMs).changed;
		next = { ...previous, watermarkMs: nowMs, seen: seenFromScan(keyed, nowMs) };
	} else {
		const fromMs = previous.watermarkMs - overlapMs;
		({ emitted, next } = await pollWindows(source, previous, fromMs, nowMs, windowSettings));
	}

	// Only now, with every request done, does the state change (and n8n persists it on emit).
	next.watermark =
		next.watermarkMs === undefined ? undefined : `${formatBeijingTime(new Date(next.watermarkMs))} +08:00`;
	staticData[STATE_KEY] = next as unknown as IDataObject;
	return emitted;
}

/** Reads [fromMs, toMs] window by window; the watermark advances to the end of the last complete window. */
async function pollWindows(
	source: RecordSource,
	previous: IncrementalState,
	fromMs: number,
	toMs: number,
	settings: { maxWindowMs: number; overlapMs: number; shouldStop: () => boolean },
): Promise<{ emitted: unknown[]; next: IncrementalState }> {
	let seen = previous.seen;
	let watermarkMs = previous.watermarkMs;
	const emitted: unknown[] = [];
	for (const window of splitWindow(fromMs, toMs, settings.maxWindowMs)) {
		const result = await source.fetchWindow(window.startMs, window.endMs, settings.shouldStop);
		const selection = selectChanged(keyRecords(result.records, source.idOf), seen, toMs);
		emitted.push(...selection.changed);
		seen = selection.seen;
		if (!result.complete) break;
		watermarkMs = Math.max(watermarkMs ?? window.endMs, window.endMs);
		if (settings.shouldStop()) break;
	}
	const keepSinceMs = (watermarkMs ?? toMs) - settings.overlapMs;
	return { emitted, next: { ...previous, watermarkMs, seen: pruneSeen(seen, keepSinceMs) } };
}

function salesSource(client: JikeyunClient, pageSize: number): RecordSource {
	return {
		fetchAll: async (limit) => await fetchSalesChannels(client, {}, { pageSize, limit }),
		fetchWindow: async (startMs, endMs, shouldStop) =>
			await fetchSalesChannels(
				client,
				{
					gmtModifiedStart: formatBeijingTime(new Date(startMs)),
					gmtModifiedEnd: formatBeijingTime(new Date(endMs)),
				},
				{ pageSize, shouldStop },
			),
		idOf: (record) => idFrom(record, SALES_CHANNEL_ID_PATH) ?? idFrom(record, 'channelCode'),
	};
}

function methodSource(context: IPollFunctions, client: JikeyunClient, pageSize: number): RecordSource {
	const method = String(context.getNodeParameter('method', '')).trim();
	if (!method) {
		throw inputError(
			context.getNode(),
			'poll',
			'"Method" is empty',
			'give the Jikeyun method to poll, e.g. erp.warehouse.get',
		);
	}
	const fixed = readBizContentParameter(context.getNodeParameter('bizContent', '{}'), 'the poll', {
		requireObject: true,
	}).value;
	const startParameter = String(context.getNodeParameter('windowStartParameter', 'gmtModifiedStart'));
	const endParameter = String(context.getNodeParameter('windowEndParameter', 'gmtModifiedEnd'));
	const epochMs = context.getNodeParameter('windowTimeFormat', 'beijing') === 'epochMs';
	const idField = String(context.getNodeParameter('idField', '')).trim();
	const format = (ms: number) => (epochMs ? ms : formatBeijingTime(new Date(ms)));
	const common = {
		method,
		pageSize,
		idPath: idField,
		listPath: String(context.getNodeParameter('listPath', '')),
		startIndex: Number(context.getNodeParameter('firstPageIndex', 0)),
		pageIndexParameter: String(context.getNodeParameter('pageIndexParameter', 'pageIndex')),
		pageSizeParameter: String(context.getNodeParameter('pageSizeParameter', 'pageSize')),
	};
	return {
		fetchAll: async (limit) => {
			// A method with a window has no "all": the manual sample reads the last day.
			const endMs = Date.now();
			return await fetchJikeyunList(client, {
				...common,
				limit,
				query: { ...(fixed as object), [startParameter]: format(endMs - 24 * HOUR_MS), [endParameter]: format(endMs) },
			});
		},
		fetchWindow: async (startMs, endMs, shouldStop) =>
			await fetchJikeyunList(client, {
				...common,
				shouldStop,
				query: { ...(fixed as object), [startParameter]: format(startMs), [endParameter]: format(endMs) },
			}),
		idOf: (record) => (idField ? idFrom(record, idField) : undefined),
	};
}
