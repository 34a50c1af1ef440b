import { createHash, createHmac } from 'crypto';

export type LoginSignAlgorithm = 'sha256' | 'sha1';

/**
 * LoginBySign: sort acctId, username, appId, appSecret and the timestamp (seconds) ordinally,
 * concatenate, hash (SHA-256; servers before PT-146911 need SHA-1), lower-case hex.
 */
export function signKingdeeLogin(
	input: { acctId: string; username: string; appId: string; appSecret: string; timestamp: string },
	algorithm: LoginSignAlgorithm = 'sha256',
): string {
	const parts = [input.acctId, input.username, input.appId, input.appSecret, input.timestamp];
	// Default Array#sort compares UTF-16 code units: the ordinal order the recipe asks for.
	parts.sort();
	return createHash(algorithm).update(parts.join(''), 'utf8').digest('hex');
}

/** The SDKs' fixed XOR pad (public, the same in every SDK), used as ASCII text, not hex-decoded. */
const APP_ID_XOR_PAD = '0054f397c6234378b09ca7d3e5debce7';

/** Splits an AppID `<clientId>_<32 chars>`; throws when it has another shape. */
function splitKingdeeAppId(appId: string): { clientId: string; encodedPart: string } {
	const parts = appId.split('_');
	if (parts.length !== 2 || !parts[0]) {
		throw new Error('The App ID must look like "<clientId>_<32 characters>" (one underscore)');
	}
	return { clientId: parts[0], encodedPart: parts[1] };
}

/** Decodes the client secret hidden in the AppID's second part (the SDKs' base64 + XOR scheme). */
function decodeKingdeeClientSecret(encodedPart: string): string {
	if (encodedPart.length !== 32) return '';
	const bytes = Buffer.from(encodedPart, 'base64');
	const key = Buffer.from(APP_ID_XOR_PAD, 'ascii');
	const out = Buffer.alloc(bytes.length);
	for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] ^ key[i % key.length];
	return out.toString('base64');
}

/** Percent-encodes a URL path as the SDK does: unreserved characters kept, `/` → `%2F`, upper-case hex. */
function encodeKingdeeSignedPath(path: string): string {
	return encodeURIComponent(path).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** base64 of the lower-case hex HMAC-SHA256 text (hex first, then base64 of the 64 ASCII chars). */
function hmacHexBase64(key: string, message: string): string {
	const hex = createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
	return Buffer.from(hex, 'ascii').toString('base64');
}

export interface KingdeeSignedHeaderInput {
	acctId: string;
	username: string;
	appId: string;
	appSecret: string;
	lcid: string | number;
	orgNumber: string | number;
	/** Request path after the host, e.g. `/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.View.common.kdsvc`. */
	path: string;
	/** Unix seconds as a string; also used as the nonce, as the Python SDK does. */
	timestamp: string;
	nonce?: string;
}

/** The SDK's stateless X-Api-* / X-Kd-* headers (docs/kingdee-webapi.md#signed-headers, Python SDK variant). */
export function buildKingdeeSignedHeaders(input: KingdeeSignedHeaderInput): Record<string, string> {
	const { clientId, encodedPart } = splitKingdeeAppId(input.appId);
	const clientSecret = decodeKingdeeClientSecret(encodedPart);
	const nonce = input.nonce ?? input.timestamp;
	const stringToSign =
		`POST\n${encodeKingdeeSignedPath(input.path)}\n\n` + `x-api-nonce:${nonce}\nx-api-timestamp:${input.timestamp}\n`;
	const appData = `${input.acctId},${input.username},${input.lcid},${input.orgNumber}`;
	return {
		'X-Api-ClientID': clientId,
		'X-Api-Auth-Version': '2.0',
		'x-api-timestamp': input.timestamp,
		'x-api-nonce': nonce,
		'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
		'X-Api-Signature': hmacHexBase64(clientSecret, stringToSign),
		'X-Kd-Appkey': input.appId,
		'X-Kd-Appdata': Buffer.from(appData, 'utf8').toString('base64'),
		'X-Kd-Signature': hmacHexBase64(input.appSecret, input.appId + appData),
	};
}
