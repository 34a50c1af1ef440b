import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import {
	buildJikeyunParameters,
	encodeJikeyunForm,
	JIKEYUN_FORM_CONTENT_TYPE,
	serializeBizContent,
} from '../nodes/Jikeyun/protocol/request';

/**
 * Jikeyun open platform app. Every request is signed here, in `authenticate`, so the App Secret never
 * leaves the credential: the node passes `{method, bizcontent}` as the body and gets back a signed form.
 */
export class JikeyunApi implements ICredentialType {
	name = 'jikeyunApi';

	displayName = 'Jikeyun API';

	icon: Icon = { light: 'file:jikeyun.svg', dark: 'file:jikeyun.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#jikeyun-api-credential-app-key-and-app-secret';

	properties: INodeProperties[] = [
		{
			displayName:
				'You need a self-built app (自研应用) on the Jikeyun open platform (https://open.jackyun.com/developer/) with the method erp.sales.get subscribed (订阅) for it, plus every method you call with Call Method. Its AppKey and AppSecret go below. The README section linked above walks through it.',
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Gateway URL',
			name: 'gatewayUrl',
			type: 'string',
			default: 'https://open.jackyun.com/open/openapi/do',
			required: true,
			description: 'The Open API gateway (开放平台网关). Change it only for a private gateway or a local emulator.',
		},
		{
			displayName: 'App Key (AppKey / 应用编号)',
			name: 'appKey',
			type: 'string',
			default: '',
			required: true,
			description:
				"The app's number (应用编号, e.g. 16242933) on its page in the Jikeyun open platform console (usually 开放平台 → 应用管理)",
		},
		{
			displayName: 'App Secret (AppSecret / 应用密钥)',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The app's secret (应用密钥, 32 characters) from the same page. It signs every request and is never sent; if it was rotated in the console, paste the new one here.",
		},
		{
			displayName: 'API Version',
			name: 'version',
			type: 'string',
			default: 'v1.0',
			description: 'Sent as the "version" parameter; the official value is v1.0',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const call = (requestOptions.body ?? {}) as IDataObject;
		// A fresh timestamp and signature for every attempt, retries included.
		const parameters = buildJikeyunParameters(
			{
				method: String(call.method ?? ''),
				bizcontent: serializeBizContent(call.bizcontent),
				contextid: call.contextid === undefined ? undefined : String(call.contextid),
			},
			{
				appKey: String(credentials.appKey ?? ''),
				appSecret: String(credentials.appSecret ?? ''),
				version: String(credentials.version ?? 'v1.0'),
			},
			new Date(),
		);
		return {
			...requestOptions,
			url: requestOptions.url || String(credentials.gatewayUrl ?? ''),
			body: encodeJikeyunForm(parameters),
			headers: { ...(requestOptions.headers ?? {}), 'Content-Type': JIKEYUN_FORM_CONTENT_TYPE },
		};
	}

	// A real signed call. The gateway answers HTTP 200 even on failure, so each known failure is
	// recognised by its sub-code and reported in words, with the gateway's own wording alongside.
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: '={{$credentials.gatewayUrl}}',
			body: { method: 'erp.sales.get', bizcontent: '{"pageIndex":0,"pageSize":1}' },
		},
		rules: [
			// n8n's rules can only compare a key with a value, so "not the gateway" is "no subCode": the
			// envelope always carries one ("" on success, docs/jikeyun-open-api.md#envelope-and-success-rule); an HTML page (HTTP 200)
			// or any other JSON has none. get() of a missing key is undefined.
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'subCode',
					value: undefined,
					message:
						'This URL does not look like a Jikeyun gateway: it did not answer with the gateway\'s JSON envelope (code/subCode). Check "Gateway URL" (normally https://open.jackyun.com/open/openapi/do).',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'subCode',
					value: '0858030801',
					message: 'Signature error (签名错误): the App Secret does not match the App Key',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'subCode',
					value: '0130020310',
					message:
						'Unknown App Key, or erp.sales.get is not subscribed for this app (未查询到应用或应用未订阅此API): subscribe it in the open platform console',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'subCode',
					value: '0130000609',
					message:
						'The app is not enabled for the open platform or its quota is exhausted (该应用未开通开放平台 / 额度不足)',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'subCode',
					value: '0859999999',
					message: 'The gateway is throttling this app (上游限流); try again in a minute',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 0,
					message:
						'Jikeyun rejected the test call (code 0). Check the App Key, the App Secret, the gateway URL and the clock of the n8n host (时间戳).',
				},
			},
		],
	};
}
