import { createHash } from 'crypto';

/** Parameters the gateway excludes from the signature (official table: 不参与签名). */
const UNSIGNED_PARAMETERS = new Set(['sign', 'contextid', 'token']);

/**
 * The string whose MD5 is the Jikeyun `sign`: every parameter but sign/contextid/token, sorted by
 * name in ordinal order, `name + value` without separators, the secret on both ends, all lower-cased.
 * Exposed separately so tests can check the pre-image of the worked example (docs/jikeyun-open-api.md#test-vector).
 */
export function jikeyunSignaturePreimage(
	parameters: Record<string, string | undefined | null>,
	appSecret: string,
): string {
	const names = Object.keys(parameters)
		.filter((name) => !UNSIGNED_PARAMETERS.has(name) && parameters[name] !== undefined && parameters[name] !== null)
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const joined = names.map((name) => `${name}${parameters[name] as string}`).join('');
	// toLowerCase is locale-independent, as the recipe requires (JSON text of bizcontent included).
	return `${appSecret}${joined}${appSecret}`.toLowerCase();
}

/** MD5 (32 lower-case hex chars) of the signature pre-image. */
export function signJikeyunRequest(parameters: Record<string, string | undefined | null>, appSecret: string): string {
	return createHash('md5').update(jikeyunSignaturePreimage(parameters, appSecret), 'utf8').digest('hex');
}
