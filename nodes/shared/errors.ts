/**
 * The one error-item shape of both nodes (ARCHITECTURE.md#error-items):
 * `{ json: { error: { message, itemIndex, kind, field, … } }, pairedItem }`. A json whose only key is `error` is the one
 * shape n8n 1.x and 2.x both route to the error output; both merge the paired input's json under ours. It carries no
 * `item.error`: n8n (1.x and 2.x) would then replace the json by `{ error: message }` and lose details and input.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

/** A failure of one item: the error the node throws (without continue on fail) and what its error item says. */
export interface ItemFailure {
	/** `json.error.message` of the error item. */
	message: string;
	error: NodeApiError | NodeOperationError;
	/** The rest of `json.error`: kind and field first, then what the node knows (msgCode, number, description …). */
	details: IDataObject & { kind: string; field: string };
}

/** Either "reading the item's parameters" (nothing was sent) or "calling the API". */
export type FailurePhase = 'input' | 'call';

/** Turns any failure of an item into an ItemFailure; each node has one (its protocol errors, then `genericFailure`). */
export type FailureMapper = (error: unknown, itemIndex: number, label: string, phase: FailurePhase) => ItemFailure;

export function errorItem(itemIndex: number, failure: ItemFailure): INodeExecutionData {
	return {
		json: { error: { message: failure.message, itemIndex, ...failure.details } },
		pairedItem: { item: itemIndex },
	};
}

/**
 * Puts the node's own message back. n8n's NodeApiError and NodeOperationError (n8n-workflow 1.x and 2.x alike) replace a
 * message that mentions a network code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, …) or whose error carries such a `code` by
 * their generic text ("The service refused the connection - perhaps it is offline") even when `message` is passed
 * (`setDescriptiveErrorMessage` in NodeError). Ours already names the host, the cause and the fix (ARCHITECTURE.md#error-items).
 */
export function keepMessage<E extends NodeApiError | NodeOperationError>(error: E, message: string): E {
	if (error.message !== message) error.message = message;
	return error;
}

/** An error that is neither the service's nor n8n's, as a NodeOperationError at the item with its own text. */
export function unexpectedNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError {
	const message = error instanceof Error ? error.message : String(error);
	return keepMessage(new NodeOperationError(node, message, { itemIndex }), message);
}

/** One value of the details as text: lists of `{ field, message }` (Kingdee's row errors) as "field: message; …". */
function detailText(value: unknown): string {
	if (Array.isArray(value)) {
		return value
			.map((entry) => {
				if (entry === null || typeof entry !== 'object') return String(entry);
				const { field, message } = entry as { field?: unknown; message?: unknown };
				if (message !== undefined) return field ? `${String(field)}: ${String(message)}` : String(message);
				return JSON.stringify(entry);
			})
			.join('; ');
	}
	if (value !== null && typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/**
 * The error's details as lines of text for n8n's error view ("kind: validation", "field: FName", "kingdeeErrors: FName:
 * …"), not raw JSON; empty values and the item index (the message names the item) are left out.
 */
function detailsText(details: IDataObject): string {
	return Object.entries(details)
		.filter(
			([key, value]) =>
				key !== 'itemIndex' &&
				value !== null &&
				value !== undefined &&
				value !== '' &&
				!(Array.isArray(value) && value.length === 0),
		)
		.map(([key, value]) => `${key}: ${detailText(value)}`)
		.join('\n');
}

/**
 * The NodeApiError of a failure that the node words itself: its message in every mode (no n8n generic text) and, as
 * the description, `description` or else the details as text; `httpCode` when the server answered with one. The
 * details ride along as the error's response object.
 */
export function apiFailureError(
	node: INode,
	message: string,
	itemIndex: number | undefined,
	details: IDataObject = {},
	{ description, httpCode }: { description?: string; httpCode?: string } = {},
): NodeApiError {
	const text = description ?? detailsText(details);
	const error = new NodeApiError(node, { ...details, message } as JsonObject, {
		message,
		description: text === '' ? undefined : text,
		itemIndex,
		httpCode,
	});
	return keepMessage(error, message);
}

/** The n8n error of an item, with the item index set (n8n's constructors return such errors unchanged). */
function atItem<E extends NodeApiError | NodeOperationError>(error: E, itemIndex: number): E {
	error.context = { ...(error.context ?? {}), itemIndex };
	return error;
}

/**
 * Failures no node-specific mapping knows. An n8n error keeps its message (readParameters and the adapters already
 * name item, field and fix); anything else becomes a NodeOperationError that, once a call was under way, says which
 * operation of which item failed.
 */
export function genericFailure(
	node: INode,
	error: unknown,
	itemIndex: number,
	label: string,
	phase: FailurePhase,
	specifics: IDataObject = {},
): ItemFailure {
	const details = { field: '', ...specifics, kind: phase === 'input' ? 'input' : 'node' };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return { message: error.message, error: atItem(error, itemIndex), details };
	}
	const text = error instanceof Error ? error.message : String(error);
	const message = phase === 'input' ? text : `Item ${itemIndex}: ${label} failed — ${text}`;
	return { message, error: keepMessage(new NodeOperationError(node, message, { itemIndex }), message), details };
}

/**
 * The failure of an item (or a poll) whose credential cannot work, in both nodes: "Item N: not sent: <problem>", where
 * the problem (the transport's `credentialProblem`) names the field and the fix. Nothing was sent
 * (ARCHITECTURE.md#error-items).
 */
export function credentialFailure(
	node: INode,
	problem: string,
	service: string,
	itemIndex: number,
	where = `Item ${itemIndex}`,
): ItemFailure {
	const message = `${where}: not sent: ${problem}`;
	const description = `Open the ${service} credential of this node and correct the field named in the message; no request was sent.`;
	const error = keepMessage(new NodeOperationError(node, message, { itemIndex, description }), message);
	return { message, error, details: { kind: 'credential', field: 'credential', description } };
}
