/**
 * Splits a user-entered list ("C001, C002") — or an array an expression produced — into trimmed,
 * non-empty strings. One implementation for numbers, IDs, field keys and field lists.
 */
export function splitList(value: unknown, separator: string | RegExp = ','): string[] {
	const entries = Array.isArray(value) ? value : String(value ?? '').split(separator);
	return entries.map((entry) => String(entry ?? '').trim()).filter((entry) => entry !== '');
}
