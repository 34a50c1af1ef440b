/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error, @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
/**
 * A stand-in for n8n's execution context, good enough to run our nodes' execute()/poll() in jest
 * against the emulators over real HTTP:
 * - parameters get their defaults exactly as n8n computes them (NodeHelpers.getNodeParameters);
 * - HTTP goes through n8n's own request implementation (@n8n/backend-network's httpRequest, the code
 *   n8n-core uses), after the credential's real `preAuthentication`/`authenticate` ran;
 * - failures surface as NodeApiError, as n8n-core's httpRequestWithAuthentication does.
 * The end-to-end test runs the packed package inside a real n8n; this harness keeps the fast
 * suites honest about everything but n8n's own wiring.
 */
import * as path from 'node:path';
import {
	NodeApiError,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IPollFunctions,
	type JsonObject,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

// n8n's real request function; not in the package's "exports", so required by path.
const { httpRequest: n8nHttpRequest } = require(
	path.join(path.dirname(require.resolve('@n8n/backend-network')), 'http/axios/request.js'),
) as { httpRequest: (options: IHttpRequestOptions) => Promise<any> };

import { JikeyunApi } from '../credentials/JikeyunApi.credentials';
import { KingdeeApi } from '../credentials/KingdeeApi.credentials';

const credentialTypes: Record<string, ICredentialType> = {
	jikeyunApi: new JikeyunApi(),
	kingdeeApi: new KingdeeApi(),
};

export interface RecordedRequest {
	credentialType?: string;
	url: string;
	method: string;
	headers: Record<string, unknown>;
	body: unknown;
}

export interface HarnessOptions {
	/** Node parameters as a workflow JSON would hold them (defaults are filled in like n8n does). */
	parameters: INodeParameters;
	/** Per-item parameter overrides (what expressions would resolve to for item i). */
	parametersForItem?: (itemIndex: number) => INodeParameters;
	items?: INodeExecutionData[];
	/** Decrypted credential data by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** n8n's `onError` setting; 'continueErrorOutput' implies continueOnFail. */
	onError?: INode['onError'];
	staticData?: IDataObject;
	/** n8n's execution mode (`getMode()`); 'trigger' unless set, as in an active workflow. */
	mode?: WorkflowExecuteMode;
	nodeName?: string;
	typeVersion?: number;
	pollBudgetMs?: number;
}

export interface Harness {
	requests: RecordedRequest[];
	staticData: IDataObject;
	node: INode;
	/** Counts of preAuthentication calls per credential type. */
	preAuthentications: Record<string, number>;
	/** What the node passed to addExecutionHints. */
	hints: Array<{ message: string; location?: string }>;
	/** Every logger line the node wrote (level, message and metadata as JSON). */
	logs: string[];
}

/** lodash.get as n8n's credentials tester applies it: properties of primitives count too (a text's constructor is String). */
function lodashGet(source: unknown, dotted: string): unknown {
	let current: unknown = source;
	for (const key of dotted.split('.')) {
		if (current === null || current === undefined) return undefined;
		current = (Object(current) as Record<string, unknown>)[key];
	}
	return current;
}

/** Reads `a.b.c` from nested parameters, as getNodeParameter does for collection fields. */
function getPath(source: unknown, dotted: string): unknown {
	let current: unknown = source;
	for (const key of dotted.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

function resolvedParameters(nodeType: INodeType, node: INode, raw: INodeParameters): INodeParameters {
	const withDefaults = NodeHelpers.getNodeParameters(
		nodeType.description.properties,
		raw,
		true,
		false,
		node,
		nodeType.description,
	);
	return withDefaults ?? raw;
}

/** Minimal `{{$credentials.x}}` support for generic (object) `authenticate` definitions. */
function resolveCredentialExpression(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
}

function buildContext(nodeType: INodeType, options: HarnessOptions) {
	const node: INode = {
		id: '00000000-0000-4000-8000-000000000001',
		name: options.nodeName ?? nodeType.description.displayName,
		type: `n8n-nodes-jikeyun-kingdee.${nodeType.description.name}`,
		typeVersion:
			options.typeVersion ??
			(Array.isArray(nodeType.description.version)
				? Math.max(...nodeType.description.version)
				: nodeType.description.version),
		position: [0, 0],
		parameters: options.parameters,
		onError: options.onError,
	};
	const harness: Harness = {
		requests: [],
		staticData: options.staticData ?? {},
		node,
		preAuthentications: {},
		hints: [],
		logs: [],
	};
	const log = (level: string) => (message: string, meta?: unknown) =>
		harness.logs.push(`${level} ${message}${meta === undefined ? '' : ` ${JSON.stringify(meta)}`}`);
	const items = options.items ?? [{ json: {} }];
	const credentials = options.credentials ?? {};
	const baseParameters = resolvedParameters(nodeType, node, options.parameters);
	const parametersFor = (itemIndex: number) =>
		options.parametersForItem
			? resolvedParameters(nodeType, node, { ...options.parameters, ...options.parametersForItem(itemIndex) })
			: baseParameters;

	async function send(request: IHttpRequestOptions, credentialType?: string) {
		harness.requests.push({
			credentialType,
			url: `${request.baseURL ?? ''}${request.url}`,
			method: request.method ?? 'GET',
			headers: { ...(request.headers ?? {}) },
			body: request.body,
		});
		return await n8nHttpRequest(request);
	}

	async function httpRequestWithAuthentication(
		credentialType: string,
		requestOptions: IHttpRequestOptions,
	): Promise<any> {
		const type = credentialTypes[credentialType];
		const data = credentials[credentialType];
		if (!type || !data) throw new Error(`Harness: no credential of type ${credentialType}`);
		let effective = { ...data };
		if (type.preAuthentication) {
			const expirable = type.properties.find((p) => p.typeOptions?.expirable);
			if (expirable && !effective[expirable.name]) {
				harness.preAuthentications[credentialType] = (harness.preAuthentications[credentialType] ?? 0) + 1;
				const update = await type.preAuthentication.call(
					{ helpers: { httpRequest: async (o: IHttpRequestOptions) => await send(o, credentialType) } } as any,
					effective,
				);
				Object.assign(data, update);
				effective = { ...data };
			}
		}
		let request: IHttpRequestOptions = { ...requestOptions, headers: { ...(requestOptions.headers ?? {}) } };
		try {
			if (typeof type.authenticate === 'function') {
				request = await type.authenticate(effective, request);
			} else if (type.authenticate) {
				const props = type.authenticate.properties as Record<string, Record<string, unknown>>;
				for (const where of ['headers', 'qs', 'body'] as const) {
					for (const [key, value] of Object.entries(props[where] ?? {})) {
						const target = ((request as any)[where] ??= {}) as Record<string, unknown>;
						target[key] = resolveCredentialExpression(value, effective);
					}
				}
			}
			return await send(request, credentialType);
		} catch (error) {
			if (error instanceof NodeApiError) throw error;
			throw new NodeApiError(node, error as JsonObject);
		}
	}

	const helpers = {
		httpRequestWithAuthentication,
		httpRequest: async (request: IHttpRequestOptions) => await send(request),
		returnJsonArray: (data: IDataObject | IDataObject[]) =>
			(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		constructExecutionMetaData: (
			inputData: INodeExecutionData[],
			meta: { itemData: { item: number } | Array<{ item: number }> },
		) => inputData.map((entry) => ({ ...entry, pairedItem: meta.itemData })),
	};

	const continueOnFail = () =>
		options.continueOnFail === true ||
		options.onError === 'continueErrorOutput' ||
		options.onError === 'continueRegularOutput';

	const context = {
		getNode: () => node,
		getInputData: () => items,
		getNodeParameter: (
			name: string,
			itemIndex: number | unknown,
			fallback?: unknown,
			opts?: { extractValue?: boolean },
		) => {
			// Trigger nodes call getNodeParameter(name, fallback, options) without an item index.
			const index = typeof itemIndex === 'number' ? itemIndex : 0;
			let fb = fallback;
			let op = opts;
			if (typeof itemIndex !== 'number') {
				fb = itemIndex;
				op = fallback as { extractValue?: boolean } | undefined;
			}
			let value = getPath(parametersFor(index), name);
			if (value === undefined) {
				if (fb !== undefined) return fb;
				throw new Error(`Harness: could not get parameter "${name}"`);
			}
			if (op?.extractValue && value && typeof value === 'object' && (value as IDataObject).__rl) {
				value = (value as IDataObject).value;
			}
			return value;
		},
		getCredentials: async (type: string) => {
			const data = credentials[type];
			if (!data) throw new Error(`Harness: no credential of type ${type}`);
			return data;
		},
		continueOnFail,
		getWorkflowStaticData: () => harness.staticData,
		getMode: () => options.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getPollBudgetMs: () => options.pollBudgetMs ?? 5 * 60 * 1000,
		getTimezone: () => 'UTC',
		getExecutionCancelSignal: () => undefined,
		getWorkflow: () => ({ id: 'harnessWorkflow01', name: 'Harness', active: true }),
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		addExecutionHints: (...hints: Array<{ message: string; location?: string }>) => harness.hints.push(...hints),
		helpers,
	};
	return { context, harness };
}

/** Runs a node's execute() once with the given inputs and returns its outputs plus what it sent. */
export async function executeNode(
	nodeType: INodeType,
	options: HarnessOptions,
): Promise<{ outputs: INodeExecutionData[][]; harness: Harness }> {
	const { context, harness } = buildContext(nodeType, options);
	if (!nodeType.execute) throw new Error('Harness: node has no execute()');
	const outputs = (await nodeType.execute.call(context as unknown as IExecuteFunctions)) as INodeExecutionData[][];
	return { outputs, harness };
}

/** The same context for the editor's lookups of a node (loadOptions, listSearch, resourceMapping methods). */
export function loadOptionsContext(
	nodeType: INodeType,
	options: HarnessOptions,
): { context: ILoadOptionsFunctions; harness: Harness } {
	const { context, harness } = buildContext(nodeType, options);
	return { context: context as unknown as ILoadOptionsFunctions, harness };
}

/** Runs a polling trigger's poll() once; keep passing the same staticData object between polls. */
export async function pollTrigger(
	nodeType: INodeType,
	options: HarnessOptions,
): Promise<{ result: INodeExecutionData[][] | null; harness: Harness }> {
	const { context, harness } = buildContext(nodeType, options);
	if (!nodeType.poll) throw new Error('Harness: node has no poll()');
	const result = await nodeType.poll.call(context as unknown as IPollFunctions);
	return { result, harness };
}

export { credentialTypes };

/**
 * Runs a credential's declarative `test` the way n8n 2.40.7's credentials tester does (CredentialsTester.runRequestTest,
 * checked against a real n8n in test/e2e/credentialTests.test.ts):
 * - the request is the test request merged into `{qs: {}, body: {}, headers: {}}` (RoutingNode), with a 300 s timeout
 *   and the full response; no `json` flag and no tolerance of HTTP errors, so a non-2xx answer is an error;
 * - it goes through the credential's `authenticate` (httpRequestWithAuthentication with the decrypted data);
 * - on an error with an HTTP response: the first responseCode rule with that status wins, otherwise the status text
 *   (or "Received HTTP status code: N"); on an error without a response: its network code (ECONNREFUSED …), else
 *   its message. responseSuccessBody rules are never consulted for an HTTP error;
 * - on success: the responseSuccessBody rules in order, on the answer as the HTTP layer parsed it (a text body stays
 *   text; of an array body only the first element counts, because the routing node turns it into items).
 */
export async function testCredential(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const type = credentialTypes[credentialType];
	if (!type?.test) throw new Error(`Harness: ${credentialType} has no declarative test`);
	const fakeNode = {
		description: { displayName: 'Credential test', name: 'credentialTest', version: 1, properties: [] },
	} as unknown as INodeType;
	const { context } = buildContext(fakeNode, { parameters: {}, credentials: { [credentialType]: data } });
	const request = { qs: {}, body: {}, headers: {}, ...type.test.request } as IHttpRequestOptions &
		Record<string, unknown>;
	for (const key of ['url', 'baseURL'] as const) {
		if (request[key] !== undefined) request[key] = String(resolveCredentialExpression(request[key], data));
	}
	const rules = type.test.rules ?? [];
	let response: { statusCode: number; body: unknown };
	try {
		response = await context.helpers.httpRequestWithAuthentication(credentialType, {
			...request,
			timeout: 300_000,
			returnFullResponse: true,
		});
	} catch (error) {
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
		if (cause?.response) {
			const { status, statusText } = cause.response;
			const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === status);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: (error as Error).message };
	}
	const body = Array.isArray(response.body) ? response.body[0] : response.body;
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && lodashGet(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
