/** Everything a user could see of an error: message, description, stack, context, cause, messages and its whole JSON. */
export function errorText(error: unknown): string {
	const seen = new WeakSet<object>();
	const json = JSON.stringify(error, function (_key, value: unknown) {
		if (value && typeof value === 'object') {
			if (seen.has(value)) return undefined;
			seen.add(value);
		}
		return value;
	});
	const e = error as {
		message?: string;
		description?: string;
		stack?: string;
		context?: unknown;
		cause?: unknown;
		messages?: string[];
	};
	return [
		e?.message,
		e?.description,
		e?.stack,
		JSON.stringify(e?.context ?? {}),
		JSON.stringify(e?.cause ?? {}),
		(e?.messages ?? []).join('\n'),
		json,
	].join('\n');
}
