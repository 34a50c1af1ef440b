import type { INodeProperties } from 'n8n-workflow';
import { MAX_SALES_CHANNEL_PAGE_SIZE } from '../helpers/salesChannels';
import { DEFAULT_JIKEYUN_CALL_OPTIONS, type JikeyunCallOptions } from '../transport';

// Defaults below are literals (the lint rule wants them); they equal DEFAULT_JIKEYUN_CALL_OPTIONS.

/** Request pacing and retry options, the same for every operation and the trigger. */
export const callOptionFields: INodeProperties[] = [
	{
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 2,
		description:
			'Client-side rate limit shared by all calls of one run (0 = no limit). Jikeyun is said to allow about 1 call per second per app.',
	},
	{
		displayName: 'Max Tries',
		name: 'maxTries',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 8,
		description:
			'Attempts per call when the gateway throttles or has a temporary problem (exponential backoff with jitter). Errors such as a bad signature fail at once.',
	},
	{
		displayName: 'Max Retry Wait (Seconds)',
		name: 'maxRetryWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'Upper bound of a single wait between two attempts',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'How long to wait for one HTTP answer',
	},
];

/** Reads the call options of an `options` collection, falling back to the defaults. */
export function readCallOptions(options: Partial<Record<keyof JikeyunCallOptions, unknown>>): JikeyunCallOptions {
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

/** The node's `options` collection: paging for Get Many, then pacing and retries for every operation. */
export const nodeOptionsDescription: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Page Size',
			name: 'pageSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_SALES_CHANNEL_PAGE_SIZE },
			displayOptions: { show: { '/resource': ['salesChannel'] } },
			default: 50,
			description: 'Channels per request (the gateway allows at most 200)',
		},
		...callOptionFields,
	],
};
