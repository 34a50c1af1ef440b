import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { listPagingFields, optionsCollection, readCallOptions } from './actions/common.description';
import { toJikeyunNodeError } from './actions/errors';
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
import {
	fetchSalesChannels,
	MAX_SALES_CHANNEL_PAGE_SIZE,
	SALES_CHANNEL_ID_PATH,
	salesChannelPageSizeProblem,
} from './protocol/salesChannels';
import type { JikeyunClient } from './protocol/client';
import { formatBeijingTime } from './protocol/timestamp';
import { startJikeyunRun } from './transport';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const MANUAL_SAMPLE_SIZE = 5;
const STATE_KEY = 'jikeyunIncremental';

const showSales = { event: ['salesChannelChanged'] };
const showMethod = { event: ['methodWindow'] };

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
			'Emits new and changed Jikeyun (吉客云) sales channels, or records of any method with a modified-time window, without missing any',
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
				displayOptions: { show: { ...showMethod, firstRun: ['emitAll'] } },
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
		const event = this.getNodeParameter('event', 'salesChannelChanged') as string;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const pageSize = Number(options.pageSize ?? DEFAULT_JIKEYUN_PAGE_SIZE);
		const run = await startJikeyunRun(this, readCallOptions(options));
		const toItems = (records: unknown[]): INodeExecutionData[][] | null =>
			records.length ? [records.map((record) => ({ json: record as IDataObject }))] : null;

		try {
			if (run.credentialProblem) throw run.credentialProblem;
			const pageSizeProblem =
				event === 'methodWindow'
					? Number.isInteger(pageSize) && pageSize >= 1
						? undefined
						: `Page Size must be a whole number of at least 1 (got ${pageSize})`
					: salesChannelPageSizeProblem(pageSize);
			if (pageSizeProblem) {
				throw new NodeOperationError(this.getNode(), pageSizeProblem, {
					description: `Poll: set "Page Size" in Options to the records per page the method allows (erp.sales.get: 1 to ${MAX_SALES_CHANNEL_PAGE_SIZE}).`,
				});
			}
			const client = run.client;
			const source = event === 'methodWindow' ? methodSource(this, client, pageSize) : salesSource(client, pageSize);
			// Run by hand (the editor's Execute workflow picks this trigger before a Manual Trigger, or Fetch Test
			// Event): every shop, so the obvious click is a full resync; a method window has no "all", so a sample.
			// The watermark is left alone either way.
			if (this.getMode() === 'manual') {
				const limit = event === 'methodWindow' ? MANUAL_SAMPLE_SIZE : undefined;
				return toItems((await source.fetchAll(limit)).records);
			}

			const staticData = this.getWorkflowStaticData('node');
			const previous = readIncrementalState(staticData[STATE_KEY]);
			const nowMs = Date.now();
			const overlapMs = Math.max(0, Number(this.getNodeParameter('overlapMinutes', 5))) * MINUTE_MS;
			const maxWindowMs = Math.max(0.1, Number(this.getNodeParameter('maxWindowHours', 24))) * HOUR_MS;
			const firstRun = this.getNodeParameter('firstRun', 'emitAll') as string;
			const fullScanAvailable = event === 'salesChannelChanged';
			const detection = fullScanAvailable ? (this.getNodeParameter('changeDetection', 'window') as string) : 'window';
			const reEmitHours = fullScanAvailable
				? Number(this.getNodeParameter('fullRescanHours', DEFAULT_FULL_REEMIT_HOURS))
				: 0;
			const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : 5 * MINUTE_MS;
			const shouldStop = () => Date.now() - startedMs > budgetMs * 0.8;

			let emitted: unknown[];
			let next: IncrementalState;

			if (!previous || previous.watermarkMs === undefined) {
				if (fullScanAvailable) {
					const keyed = keyRecords((await source.fetchAll()).records, source.idOf);
					emitted = firstRun === 'emitAll' ? keyed.map((entry) => entry.record) : [];
					next = { version: 1, watermarkMs: nowMs, seen: seenFromScan(keyed, nowMs), lastFullEmitMs: nowMs };
				} else if (firstRun === 'emitAll') {
					const lookbackMs = Math.max(1, Number(this.getNodeParameter('firstRunLookbackHours', 24))) * HOUR_MS;
					({ emitted, next } = await pollWindows(source, { version: 1, seen: {} }, nowMs - lookbackMs, nowMs, {
						maxWindowMs,
						overlapMs,
						shouldStop,
					}));
				} else {
					emitted = [];
					next = { version: 1, watermarkMs: nowMs, seen: {} };
				}
			} else if (isFullReEmitDue(previous.lastFullEmitMs, nowMs, reEmitHours)) {
				const keyed = keyRecords((await source.fetchAll()).records, source.idOf);
				emitted = keyed.map((entry) => entry.record);
				next = { version: 1, watermarkMs: nowMs, seen: seenFromScan(keyed, nowMs), lastFullEmitMs: nowMs };
			} else if (detection === 'fullScan') {
				const keyed = keyRecords((await source.fetchAll()).records, source.idOf);
				emitted = selectChanged(keyed, previous.seen, nowMs).changed;
				next = { ...previous, watermarkMs: nowMs, seen: seenFromScan(keyed, nowMs) };
			} else {
				({ emitted, next } = await pollWindows(source, previous, previous.watermarkMs - overlapMs, nowMs, {
					maxWindowMs,
					overlapMs,
					shouldStop,
				}));
			}

			// Only now, with every request done, does the state change (and n8n persists it on emit).
			next.watermark =
				next.watermarkMs === undefined ? undefined : `${formatBeijingTime(new Date(next.watermarkMs))} +08:00`;
			staticData[STATE_KEY] = next as unknown as IDataObject;
			return toItems(emitted);
		} catch (error) {
			throw toJikeyunNodeError(this.getNode(), error, 0, 'Poll');
		} finally {
			// Execution hints are not available to poll functions: the summary goes to the debug log.
			this.logger.debug(run.report.summaryLine('Jikeyun Trigger'));
		}
	}
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
		throw new NodeOperationError(context.getNode(), 'Parameter "Method" is empty', {
			description: 'Give the Jikeyun method to poll, e.g. erp.warehouse.get.',
		});
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
