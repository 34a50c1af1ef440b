/**
 * Option fields both nodes offer with their own default and wording. Defaults are passed in from each node's
 * constants (DEFAULT_JIKEYUN_CALL_OPTIONS, DEFAULT_KINGDEE_TRANSPORT_OPTIONS), so the UI cannot drift from them.
 */
import type { INodeProperties } from 'n8n-workflow';

/** Attempts per call for temporary failures, the first included. */
export function maxTriesOption(defaultTries: number, description: string): INodeProperties {
	return {
		displayName: 'Max Tries',
		name: 'maxTries',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: defaultTries,
		description,
	};
}

/** How long to wait for one HTTP answer. */
export function timeoutOption(defaultSeconds: number, description: string): INodeProperties {
	return {
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: defaultSeconds,
		description,
	};
}

/** The full list of this run's calls as one extra output item (the runner adds it; see runner.ts). */
export function includeCallReportOption(description: string): INodeProperties {
	return {
		displayName: 'Include Call Report',
		name: 'includeCallReport',
		type: 'boolean',
		default: false,
		description,
	};
}

/** The *Options* collection that holds an operation's optional settings. */
export function optionsCollectionOf(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}
