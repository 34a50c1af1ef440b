import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	authenticateKingdeeRequest,
	KINGDEE_LOGIN_MARKER_HEADER,
	type KingdeeCredentialValues,
} from '../nodes/Kingdee/protocol/login';

const APP_MODES = ['appSecret', 'sign', 'signedHeaders'];

/** LoginResultType values that mean "not logged in" (docs/kingdee-webapi.md#login-result), in words; -5 counts as allowed. */
const LOGIN_FAILURE_RULES: IAuthenticateRuleResponseSuccessBody[] = [
	{
		value: 0,
		message: 'Wrong username or password (用户或密码错误, LoginResultType 0). Check Username, Password and Account ID.',
	},
	{
		value: -1,
		message:
			'Login failed (登录失败, LoginResultType -1): the user may be locked or disabled, the Account ID wrong, or the App ID / App Secret / signature rejected (older servers need Sign Algorithm SHA-1).',
	},
	{
		value: -2,
		message:
			'The password does not meet the password policy (密码验证不通过（可选的）, LoginResultType -2): change it in Kingdee first.',
	},
	{
		value: -3,
		message:
			'The password must be changed (密码验证不通过（强制的）, LoginResultType -3): log in to Kingdee once and change it.',
	},
	{
		value: -4,
		message:
			'Kingdee answered with a login warning (登录警告, LoginResultType -4): log in interactively once to see it.',
	},
	{
		value: -6,
		message: 'The cloud passport is not bound to a Kingdee account (云通行证未绑定Cloud账号, LoginResultType -6).',
	},
	{ value: -7, message: 'The user must be activated first (激活, LoginResultType -7).' },
].map(({ value, message }) => ({
	type: 'responseSuccessBody' as const,
	properties: { key: 'LoginResultType', value, message },
}));

/**
 * Kingdee Cloud Galaxy (金蝶云星空) WebAPI credential.
 *
 * Why no `preAuthentication` + expirable session field: n8n refreshes such a session only when a
 * request fails with an HTTP status (401 by default), but Kingdee reports a lost session as HTTP 200
 * with `MsgCode 1` in the body; and "parallel requests" need several sessions of the same user at
 * once, while a credential can store only one. So the node's transport keeps its sessions in memory
 * for one execution and logs in by sending a request marked with `x-n8n-kingdee-login`; this
 * `authenticate` function turns that marked request into the real login call. The password and app
 * secret are read only here, never by the node.
 */
export class KingdeeApi implements ICredentialType {
	name = 'kingdeeApi';

	displayName = 'Kingdee Cloud Galaxy API';

	icon: Icon = { light: 'file:kingdee.svg', dark: 'file:kingdee.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#kingdee-cloud-galaxy-api-credential-server-account-integration-user';

	properties: INodeProperties[] = [
		{
			displayName:
				'Recommended: Signed Login with a dedicated integration user. Register the app once in Kingdee under 第三方系统登录授权 → 新增 → 获取应用ID; it gives the App ID and App Secret. The user needs 查看, 新增, 修改, 提交, 审核 and 反审核 (view, add, edit, submit, audit, unaudit) on 客户 (BD_Customer) in every organisation the sync writes to.',
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://erp.example.com/k3cloud/',
			description:
				'Address of the Kingdee Cloud Galaxy (金蝶云星空) server including its virtual directory, usually ending in /k3cloud/. The trailing slash is optional.',
		},
		{
			displayName: 'Account ID (账套 / Data Center ID)',
			name: 'acctId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '5db25ac8d2b819',
			description:
				'ID of the data center (数据中心 / 账套), e.g. 5db25ac8d2b819, not its name. Find it on the WebAPI page of the Kingdee client (select any business object: the address bar shows it), on the 第三方系统登录授权 record of your app, or in the management center (管理中心) data-center list if you can open it.',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			// KINGDEE_DEFAULT_AUTH_TYPE (lint wants a literal here).
			default: 'sign',
			description:
				"Signed Login is recommended: the App Secret never leaves n8n and the sync does not depend on a person's password. Username and Password suits a first test with an existing user.",
			options: [
				{
					name: 'Username and Password (ValidateUser)',
					value: 'password',
					description: 'Logs in with a Kingdee user and its password',
				},
				{
					name: 'App Secret (LoginByAppSecret)',
					value: 'appSecret',
					description:
						'Logs in with an integration user and the App ID / App Secret of a third-party authorisation (第三方系统登录授权)',
				},
				{
					name: 'Signed Login (LoginBySign)',
					value: 'sign',
					description:
						"Recommended. Like App Secret, but the secret is never sent: the login carries a signature (Kingdee's recommendation).",
				},
				{
					name: 'Signed Headers (Stateless, SDK Style)',
					value: 'signedHeaders',
					description:
						'Every request carries X-Kd-* / X-Api-* signature headers, as the official SDKs do (server 7.3.1310.2 or newer)',
				},
			],
		},
		{
			displayName: 'Username (用户名)',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description:
				'Kingdee user name; for App ID modes the integration user (集成用户) chosen on the 第三方系统登录授权 record. Use a dedicated user, not an administrator (Kingdee may forbid administrator WebAPI logins) and give it view, add, edit, submit, audit and unaudit on the forms it writes (客户 / BD_Customer for the sample) in every organisation.',
		},
		{
			displayName: 'Password (密码)',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['password'] } },
		},
		{
			displayName: 'App ID (应用ID)',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: '204399_72epSbtEQMC92Vwt2d3LRa9LRqSc1tqJ',
			description:
				'From 第三方系统登录授权 (Third-party System Login Authorisation) in Kingdee: 新增 → 获取应用ID (register the app on open.kingdee.com and paste its answer back) → choose the integration user → 保存. The record then shows the App ID, of the form <number>_<32 characters>.',
			displayOptions: { show: { authType: APP_MODES } },
		},
		{
			displayName: 'App Secret (应用密钥)',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'From the same 第三方系统登录授权 record: the App Secret (应用密钥, 32 characters) shown next to the App ID. Signed Login and Signed Headers never send it; App Secret mode does.',
			displayOptions: { show: { authType: APP_MODES } },
		},
		{
			displayName: 'Sign Algorithm',
			name: 'signAlgorithm',
			type: 'options',
			default: 'sha256',
			options: [
				{ name: 'SHA-256 (Servers From 8.0.0.202205)', value: 'sha256' },
				{ name: 'SHA-1 (Older Servers)', value: 'sha1' },
			],
			description: 'Servers older than patch PT-146911 (8.0.0.202205) only accept SHA-1 login signatures',
			displayOptions: { show: { authType: ['sign'] } },
		},
		{
			displayName: 'Language (LCID)',
			name: 'lcid',
			type: 'number',
			default: 2052,
			description: 'Language of messages: 2052 Simplified Chinese, 1033 English, 3076 Traditional Chinese',
		},
		{
			displayName: 'Organisation Number (组织编码)',
			name: 'orgNumber',
			type: 'string',
			default: '0',
			description: "Organisation the signed requests act in; 0 = the user's default organisation",
			displayOptions: { show: { authType: ['signedHeaders'] } },
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const values = credentials as unknown as KingdeeCredentialValues;
		const absoluteUrl = /^https?:\/\//i.test(requestOptions.url)
			? requestOptions.url
			: `${String(requestOptions.baseURL ?? '').replace(/\/+$/, '')}/${requestOptions.url.replace(/^\/+/, '')}`;
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(requestOptions.headers ?? {})) {
			if (value !== undefined && value !== null) headers[key] = String(value);
		}
		const signed = authenticateKingdeeRequest(
			values,
			{ url: absoluteUrl, headers, body: requestOptions.body },
			Math.floor(Date.now() / 1000),
		);
		const result: IHttpRequestOptions = {
			...requestOptions,
			url: signed.url,
			headers: signed.headers,
			body: signed.body as IHttpRequestOptions['body'],
		};
		delete result.baseURL;
		return result;
	}

	/**
	 * Logs in (session modes) or sends one signed View call (signed-header mode) and turns Kingdee's
	 * answer into words. The request carries only the login marker; `authenticate` fills in the rest.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: '={{$credentials.serverUrl}}',
			headers: { [KINGDEE_LOGIN_MARKER_HEADER]: '1', 'Content-Type': 'application/json' },
		},
		// n8n's tester runs both rule types from one list (responseCode on HTTP errors, responseSuccessBody
		// on answers); the declared type wants one kind per list, hence the cast. Kingdee's reply to a wrong
		// Account ID in Signed Headers mode is only known to be "not 200", so both likely codes are named.
		rules: [
			{
				// n8n's tester reads the rules with lodash.get on the parsed answer: a body that is not JSON (an HTML page,
				// a login portal, plain text) stays a string, whose constructor is String. Kingdee answers JSON.
				type: 'responseSuccessBody',
				properties: {
					key: 'constructor.name',
					value: 'String',
					message:
						"This URL does not look like a Kingdee WebAPI (…/k3cloud/): it answered with a page or text instead of Kingdee's JSON. Enter the address of the Kingdee server with its virtual directory, e.g. https://erp.example.com/k3cloud/.",
				},
			},
			...LOGIN_FAILURE_RULES,
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Result.ResponseStatus.MsgCode',
					value: 1,
					message:
						'Kingdee rejected the signed headers (MsgCode 1): check App ID, App Secret, Username and Language (LCID) against 第三方系统登录授权.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Kingdee WebAPI at this Server URL (HTTP 404): check the address and the virtual directory, e.g. https://host/k3cloud/.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Kingdee refused the request (HTTP 401). In Signed Headers mode this means a wrong Account ID ("Fail to verify thirty passport"): check it in the data-center list of the management center.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 500,
					message:
						'The Kingdee server answered HTTP 500. In Signed Headers mode this usually means a wrong Account ID ("Fail to verify thirty passport").',
				},
			},
		] as Array<
			IAuthenticateRuleResponseSuccessBody | IAuthenticateRuleResponseCode
		> as IAuthenticateRuleResponseSuccessBody[],
	};
}
