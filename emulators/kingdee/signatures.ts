/**
 * The emulator's own Kingdee signature code, written from docs/kingdee-webapi.md#signed-login and
 * docs/kingdee-webapi.md#signed-headers instead of imported from the package: a signing bug in the package then fails
 * the tests rather than being copied into the emulator. Checked against the vectors of those sections by
 * test/unit/emulatorSignatures.test.ts.
 */
import { createHash, createHmac } from 'crypto';

/** LoginBySign hashes: SHA-256 on current servers, SHA-1 before patch PT-146911. */
export type LoginSignAlgorithm = 'sha256' | 'sha1';

export interface SignedLoginFields {
	acctId: string;
	username: string;
	appId: string;
	appSecret: string;
	timestamp: string;
}

/** The LoginBySign `sign`: the five strings in ordinal order, concatenated, hashed, lower-case hex. */
export function expectedLoginSign(fields: SignedLoginFields, algorithm: LoginSignAlgorithm): string {
	const sorted = [fields.acctId, fields.username, fields.appId, fields.appSecret, fields.timestamp].sort();
	return createHash(algorithm).update(sorted.join(''), 'utf8').digest('hex');
}

/** The SDKs' XOR pad, used as its 32 ASCII characters. */
const CLIENT_SECRET_PAD = Buffer.from('0054f397c6234378b09ca7d3e5debce7', 'ascii');

/** The client secret hidden in an App ID's 32-character second part; empty for any other length. */
function clientSecretOf(encodedPart: string): string {
	if (encodedPart.length !== 32) return '';
	const decoded = Buffer.from(encodedPart, 'base64');
	return Buffer.from(decoded.map((byte, index) => byte ^ CLIENT_SECRET_PAD[index % CLIENT_SECRET_PAD.length])).toString(
		'base64',
	);
}

/** base64 of the 64-character lower-case hex text of an HMAC-SHA256. */
function base64OfHexHmac(key: string, message: string): string {
	const hex = createHmac('sha256', key).update(message, 'utf8').digest('hex');
	return Buffer.from(hex, 'ascii').toString('base64');
}

/** Percent-encoding of the request path: unreserved characters kept, everything else (`/` included) as %XX. */
function encodePath(path: string): string {
	let out = '';
	for (const byte of Buffer.from(path, 'utf8')) {
		const char = String.fromCharCode(byte);
		out += /[A-Za-z0-9._~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return out;
}

export interface SignedHeaderFields {
	/** The `X-Kd-Appkey` header: the full App ID `<clientId>_<32 characters>`. */
	appId: string;
	appSecret: string;
	/** The plain text behind `X-Kd-Appdata`: `acctID,userName,lcid,orgNum`. */
	appData: string;
	/** Request path after the host. */
	path: string;
	timestamp: string;
	nonce: string;
}

/**
 * The two signatures a signed-header request must carry, or undefined when the App ID does not have the
 * `<clientId>_<rest>` shape (no signature can match then).
 */
export function expectedSignedHeaderSignatures(
	fields: SignedHeaderFields,
): { kdSignature: string; apiSignature: string } | undefined {
	const parts = fields.appId.split('_');
	if (parts.length !== 2 || parts[0] === '') return undefined;
	const stringToSign = [
		'POST',
		encodePath(fields.path),
		'',
		`x-api-nonce:${fields.nonce}`,
		`x-api-timestamp:${fields.timestamp}`,
		'',
	].join('\n');
	return {
		kdSignature: base64OfHexHmac(fields.appSecret, fields.appId + fields.appData),
		apiSignature: base64OfHexHmac(clientSecretOf(parts[1]), stringToSign),
	};
}
