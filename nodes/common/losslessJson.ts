/**
 * JSON.parse that keeps integers beyond Number.MAX_SAFE_INTEGER exact by turning them into strings.
 * Jikeyun and Kingdee send Java Longs (e.g. a 19-digit channelId) as JSON numbers, which plain
 * JSON.parse silently rounds.
 */
export function parseJsonLossless(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text));
}

/** Rewrites unsafe integer literals outside string literals as JSON strings. */
function quoteUnsafeIntegers(text: string): string {
	let out = '';
	let last = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		if (inString) {
			if (ch === 0x5c /* \ */) i++;
			else if (ch === 0x22 /* " */) inString = false;
			continue;
		}
		if (ch === 0x22) {
			inString = true;
			continue;
		}
		const isMinus = ch === 0x2d;
		if (isMinus || (ch >= 0x30 && ch <= 0x39)) {
			let end = isMinus ? i + 1 : i;
			while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
			const next = text[end];
			const isInteger = next !== '.' && next !== 'e' && next !== 'E';
			const literal = text.slice(i, end);
			const digits = isMinus ? literal.length - 1 : literal.length;
			if (isInteger && digits >= 16 && !Number.isSafeInteger(Number(literal))) {
				out += `${text.slice(last, i)}"${literal}"`;
				last = end;
			}
			i = end - 1;
		}
	}
	return last === 0 ? text : out + text.slice(last);
}
