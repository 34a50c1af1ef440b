/**
 * Reading the nodes' error items in tests and the sample-sync harness. The shape is
 * `{ json: { error: { message, itemIndex, kind, field, … } } }` (ARCHITECTURE.md#error-items); n8n merges the paired
 * input item's fields in beside `error` on the error output.
 */

/** `json.error` of an error item: the message and the details (itemIndex, kind, field, and what the node knows). */
export interface ItemError {
	message: string;
	[key: string]: unknown;
}

/** The error of an item's json, or undefined when the json is not an error item (no `error` object with a message). */
export function errorOf(json: Record<string, unknown>): ItemError | undefined {
	const error = json.error;
	if (error === null || typeof error !== 'object' || Array.isArray(error)) return undefined;
	return typeof (error as ItemError).message === 'string' ? (error as ItemError) : undefined;
}
