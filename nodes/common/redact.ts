/** Replaces every occurrence of each secret (of 4+ characters) in `text` with `***`. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined | null>): string {
	let out = text;
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < 4) continue;
		out = out.split(secret).join('***');
	}
	return out;
}

/**
 * Session ids by pattern: the value after `kdservice-sessionid`, `KDSVCSessionId`, `ASP.NET_SessionId`, `SID` and any
 * `X-Kd-*` / `X-Api-Signature` header name, as cookies (`name=value`), headers (`name: value`) or JSON (`"name":"value"`)
 * write them (reference kingdee §2.5–2.6). An IIS/ASP.NET error page may echo them.
 */
const SESSION_VALUE_PATTERN =
	/((?:kdservice-sessionid|KDSVCSessionId|ASP\.NET_SessionId|\bSID|X-Kd-[A-Za-z]+|X-Api-Signature)"?\s*[:=]\s*"?)([^\s";,<&]+)/gi;

/** Removes session ids: every known value (the session layer knows its live ones), then anything shaped like one. */
export function redactSessionIds(text: string, knownIds: Iterable<string> = []): string {
	return redactSecrets(text, knownIds).replace(SESSION_VALUE_PATTERN, (_match, name: string) => `${name}***`);
}
