/**
 * Builds response JSON text by hand because the real gateway writes Java Longs (19-digit ids) as bare
 * JSON numbers, which JSON.stringify cannot produce without rounding them first. Wrap such an id in
 * BareInteger and it is written digit-for-digit.
 */
export class BareInteger {
	constructor(readonly digits: string) {}
}

const INTEGER_LITERAL = /^-?(0|[1-9]\d*)$/;

export function toJsonText(value: unknown): string {
	if (value instanceof BareInteger) {
		// A malformed id (e.g. changed through modifyShops) is written as a string rather than as invalid JSON.
		return INTEGER_LITERAL.test(value.digits) ? value.digits : JSON.stringify(value.digits);
	}
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
	if (typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item)).join(',')}]`;
	if (typeof value === 'object') {
		const members = Object.entries(value as Record<string, unknown>)
			.filter(([, member]) => member !== undefined)
			.map(([key, member]) => `${JSON.stringify(key)}:${toJsonText(member)}`);
		return `{${members.join(',')}}`;
	}
	return 'null';
}
