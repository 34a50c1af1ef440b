/**
 * What the credential's `authenticate` does, as pure functions: fill in login bodies and sign requests.
 * This is the only code that handles passwords and app secrets; the node never sees them.
 */
import { buildKingdeeSignedHeaders, signKingdeeLogin, type LoginSignAlgorithm } from './signing';
import { formRequestBody, kingdeeServiceUrl, urlPath, type KingdeeLoginService } from './services';

export type KingdeeAuthType = 'password' | 'appSecret' | 'sign' | 'signedHeaders';

/** The credential's default (Signed Login: the App Secret never leaves n8n), also for values saved without a mode. */
export const KINGDEE_DEFAULT_AUTH_TYPE: KingdeeAuthType = 'sign';

export interface KingdeeCredentialValues {
	serverUrl: string;
	acctId: string;
	authType: KingdeeAuthType;
	username: string;
	password?: string;
	appId?: string;
	appSecret?: string;
	signAlgorithm?: LoginSignAlgorithm;
	lcid?: number | string;
	orgNumber?: number | string;
}

/**
 * Internal header the transport sets on "log in now" requests (and the credential test sets on its
 * request). `authenticate` removes it and replaces URL and body with the login call of the
 * credential's mode, so the node can log in without ever holding the secret.
 */
export const KINGDEE_LOGIN_MARKER_HEADER = 'x-n8n-kingdee-login';

/** The number the signed-header credential test looks up with View; any answer but MsgCode 1 proves the signature. */
const KINGDEE_CREDENTIAL_TEST_NUMBER = 'N8N-CREDENTIAL-TEST';

const LOGIN_SERVICE_BY_AUTH_TYPE: Record<Exclude<KingdeeAuthType, 'signedHeaders'>, KingdeeLoginService> = {
	password: 'AuthService.ValidateUser',
	appSecret: 'AuthService.LoginByAppSecret',
	sign: 'AuthService.LoginBySign',
};

function lcidOf(credentials: Pick<KingdeeCredentialValues, 'lcid'>): number {
	const value = Number(credentials.lcid ?? 2052);
	return Number.isFinite(value) && value > 0 ? value : 2052;
}

function required(credentials: KingdeeCredentialValues, key: keyof KingdeeCredentialValues, label: string): string {
	const value = credentials[key];
	if (value === undefined || value === null || String(value).trim() === '') {
		throw new Error(`The Kingdee credential has no ${label}; fill it in for this authentication mode`);
	}
	return String(value).trim();
}

/**
 * The login call of a session mode (docs/kingdee-webapi.md#logins), body shape B. `timestampSeconds` is only
 * used by LoginBySign (Unix seconds).
 */
export function buildKingdeeLoginRequest(
	credentials: KingdeeCredentialValues,
	timestampSeconds: number,
): { service: KingdeeLoginService; url: string; body: string } {
	const acctId = required(credentials, 'acctId', 'Account ID');
	const username = required(credentials, 'username', 'Username');
	const lcid = lcidOf(credentials);
	switch (credentials.authType) {
		case 'password': {
			const service = LOGIN_SERVICE_BY_AUTH_TYPE.password;
			// ValidateUser takes the password as typed (spaces may be part of it), so it is not trimmed.
			const password = String(credentials.password ?? '');
			return {
				service,
				url: kingdeeServiceUrl(credentials.serverUrl, service),
				body: JSON.stringify({ parameters: [acctId, username, password, lcid] }),
			};
		}
		case 'appSecret': {
			const service = LOGIN_SERVICE_BY_AUTH_TYPE.appSecret;
			const appId = required(credentials, 'appId', 'App ID');
			const appSecret = required(credentials, 'appSecret', 'App Secret');
			return {
				service,
				url: kingdeeServiceUrl(credentials.serverUrl, service),
				body: JSON.stringify({ parameters: [acctId, username, appId, appSecret, lcid] }),
			};
		}
		case 'sign': {
			const service = LOGIN_SERVICE_BY_AUTH_TYPE.sign;
			const appId = required(credentials, 'appId', 'App ID');
			const appSecret = required(credentials, 'appSecret', 'App Secret');
			const timestamp = String(Math.floor(timestampSeconds));
			const sign = signKingdeeLogin(
				{ acctId, username, appId, appSecret, timestamp },
				credentials.signAlgorithm === 'sha1' ? 'sha1' : 'sha256',
			);
			return {
				service,
				url: kingdeeServiceUrl(credentials.serverUrl, service),
				body: JSON.stringify({ parameters: [acctId, username, appId, timestamp, sign, lcid] }),
			};
		}
		default:
			throw new Error(`Authentication mode "${String(credentials.authType)}" has no login call`);
	}
}

export interface KingdeeOutgoingRequest {
	url: string;
	headers: Record<string, string>;
	body?: unknown;
}

function headerKey(headers: Record<string, string>, name: string): string | undefined {
	return Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
}

/**
 * The credential's `authenticate`, minus n8n types:
 * - a request carrying the login marker becomes the login call of the credential's mode (in
 *   signed-header mode, which has no login call, it becomes a cheap View call used as credential test);
 * - in signed-header mode every request gets the X-Api-* / X-Kd-* headers, signed over its own path
 *   (which includes the server's virtual directory, e.g. `/k3cloud/…`).
 */
export function authenticateKingdeeRequest(
	values: KingdeeCredentialValues,
	request: KingdeeOutgoingRequest,
	nowSeconds: number,
): KingdeeOutgoingRequest {
	// Values saved without a mode (e.g. created through the API) get the credential's default, as in the editor.
	const credentials: KingdeeCredentialValues = { ...values, authType: values.authType ?? KINGDEE_DEFAULT_AUTH_TYPE };
	// The credential test goes through here too: name the empty field instead of sending a request that cannot work.
	const problem = credentialProblem(credentials);
	if (problem) throw new Error(problem);
	const headers = { ...request.headers };
	let { url, body } = request;
	const marker = headerKey(headers, KINGDEE_LOGIN_MARKER_HEADER);
	if (marker !== undefined) {
		delete headers[marker];
		if (credentials.authType === 'signedHeaders') {
			url = kingdeeServiceUrl(credentials.serverUrl, 'DynamicFormService.View');
			body = formRequestBody('BD_Customer', { Number: KINGDEE_CREDENTIAL_TEST_NUMBER });
		} else {
			const login = buildKingdeeLoginRequest(credentials, nowSeconds);
			url = login.url;
			body = login.body;
		}
		if (headerKey(headers, 'content-type') === undefined) headers['Content-Type'] = 'application/json';
	}
	if (credentials.authType === 'signedHeaders') {
		const timestamp = String(Math.floor(nowSeconds));
		Object.assign(
			headers,
			buildKingdeeSignedHeaders({
				acctId: required(credentials, 'acctId', 'Account ID'),
				username: required(credentials, 'username', 'Username'),
				appId: required(credentials, 'appId', 'App ID'),
				appSecret: required(credentials, 'appSecret', 'App Secret'),
				lcid: lcidOf(credentials),
				orgNumber: String(credentials.orgNumber ?? 0).trim() || '0',
				path: urlPath(url),
				timestamp,
			}),
		);
	}
	return { url, headers, body };
}

/**
 * What is wrong with the credential before any request is sent, as one sentence naming the field and the fix;
 * undefined when every field the mode needs is filled in. Empty fields and a Server URL without http(s):// can
 * never work, so the node reports them instead of retrying a request that cannot succeed.
 */
export function credentialProblem(credentials: Partial<KingdeeCredentialValues>): string | undefined {
	const empty = (value: unknown) => value === undefined || value === null || String(value).trim() === '';
	const serverUrl = String(credentials.serverUrl ?? '').trim();
	if (serverUrl === '') {
		return 'The Kingdee credential has no Server URL: enter the address of the Kingdee server with its virtual directory, e.g. https://erp.example.com/k3cloud/';
	}
	if (!/^https?:\/\//i.test(serverUrl)) {
		return `The Kingdee credential's Server URL "${serverUrl}" does not start with http:// or https://: enter the full address, e.g. https://${serverUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/|^\/+/i, '')}`;
	}
	try {
		new URL(serverUrl);
	} catch {
		return `The Kingdee credential's Server URL "${serverUrl}" is not a valid address: enter it as https://host/k3cloud/`;
	}
	const authType = credentials.authType ?? KINGDEE_DEFAULT_AUTH_TYPE;
	const fields: Array<[keyof KingdeeCredentialValues, string, string]> = [
		[
			'acctId',
			'Account ID (账套ID)',
			'enter the data-center id shown in the Kingdee management center, e.g. 5db25ac8d2b819',
		],
		[
			'username',
			'Username',
			'enter the Kingdee user (for App ID modes the integration user of the third-party authorisation)',
		],
	];
	if (authType === 'password') fields.push(['password', 'Password', 'enter the password of the Kingdee user']);
	else {
		fields.push([
			'appId',
			'App ID',
			'copy it from 第三方系统登录授权 in Kingdee (of the form <number>_<32 characters>)',
		]);
		fields.push(['appSecret', 'App Secret', 'copy it from 第三方系统登录授权 in Kingdee, next to the App ID']);
	}
	for (const [key, label, fix] of fields) {
		if (empty(credentials[key])) return `The Kingdee credential has no ${label} (authentication "${authType}"): ${fix}`;
	}
	if (authType === 'signedHeaders' && String(credentials.appId).trim().split('_').length !== 2) {
		return "The Kingdee credential's App ID must have the form <number>_<32 characters> for Signed Headers: copy it unchanged from 第三方系统登录授权";
	}
	return undefined;
}
