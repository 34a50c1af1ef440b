/**
 * The one redaction of both nodes: every text that may reach an error, an output item, the call report or a log passes
 * through one `Redact` made per run by `createRedactor`, exactly once (the Kingdee transport hands its redactor to the
 * sessions; docs/kingdee-webapi.md#sessions).
 */
export type Redact = (text: string) => string;

/**
 * Shortest piece of a known value that is removed on its own: a page that cuts an echoed session id or secret short
 * (a 14-character prefix of a session id) still leaks it, so any run of this many characters of a known value goes.
 */
const MIN_FRAGMENT = 10;

/** Values shorter than this are not redacted (they would match ordinary text). */
const MIN_SECRET = 4;

/**
 * Values by the name in front of them: session ids after `kdservice-sessionid`, `KDSVCSessionId`, `ASP.NET_SessionId`,
 * `SID`, any `X-Kd-*` / `X-Api-Signature` header name (docs/kingdee-webapi.md#signed-headers,
 * docs/kingdee-webapi.md#sessions), and Jikeyun's request signature `sign` (docs/jikeyun-open-api.md#public-parameters),
 * as cookies and form fields (`name=value`), headers (`name: value`) or JSON (`"name":"value"`) write them. An IIS error
 * page or a gateway message may echo them.
 */
const NAMED_VALUE_PATTERN =
	/((?:kdservice-sessionid|KDSVCSessionId|ASP\.NET_SessionId|\bSID|X-Kd-[A-Za-z]+|X-Api-Signature|\bsign)"?\s*[:=]\s*"?)([^\s";,<&]+)/gi;

/** Marks in `masked` every occurrence in `text` of `value` and of each piece of it at least MIN_FRAGMENT long. */
function markOccurrences(text: string, value: string, masked: boolean[]): void {
	const window = Math.min(value.length, MIN_FRAGMENT);
	for (let start = 0; start + window <= value.length; start++) {
		const piece = value.slice(start, start + window);
		for (let at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
			let end = at + window;
			// Extend to the whole matching run, so `***` replaces the echoed piece, not just the window.
			for (let next = start + window; end < text.length && value[next] === text[end]; next++) end++;
			for (let i = at; i < end; i++) masked[i] = true;
		}
	}
}

/** Replaces every known value (and every piece of one at least MIN_FRAGMENT long) with `***`. */
function redactKnownValues(text: string, values: Iterable<string | undefined | null>): string {
	const masked: boolean[] = new Array(text.length).fill(false);
	let any = false;
	for (const value of values) {
		if (typeof value !== 'string' || value.length < MIN_SECRET) continue;
		markOccurrences(text, value, masked);
		any = true;
	}
	if (!any || !masked.includes(true)) return text;
	let out = '';
	for (let i = 0; i < text.length; i++) {
		if (!masked[i]) out += text[i];
		else if (i === 0 || !masked[i - 1]) out += '***';
	}
	return out;
}

/**
 * The redaction of one run: the credential's secrets and the session ids the run learns (the `sessionIds` collection
 * is read at every call, so ids added later are removed too), whole or in pieces, then anything after a name that
 * carries a session id or signature.
 */
export function createRedactor(
	secrets: Iterable<string | undefined | null>,
	sessionIds: Iterable<string> = [],
): Redact {
	const fixed = [...secrets];
	return (text) =>
		redactKnownValues(text, [...fixed, ...sessionIds]).replace(
			NAMED_VALUE_PATTERN,
			(_match, name: string) => `${name}***`,
		);
}
