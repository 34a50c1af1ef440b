/**
 * The one error-item shape of both nodes (ARCHITECTURE.md#error-items):
 * `{ json: { error: { message, itemIndex, kind, field, … } }, pairedItem }`. A json whose only key is `error` is the one
 * shape n8n 1.x and 2.x both route to the error output; both merge the paired input's json under ours. It carries no
 * `item.error`: n8n (1.x and 2.x) would then replace the json by `{ error: message }` and lose details and input.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode, type INodeExecutionData } from 'n8n-workflow';

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

/** The n8n error of an item, with the item index set (n8n's constructors return such errors unchanged). */
export function atItem<E extends NodeApiError | NodeOperationError>(error: E, itemIndex: number): E {
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
	return { message, error: new NodeOperationError(node, message, { itemIndex }), details };
}
