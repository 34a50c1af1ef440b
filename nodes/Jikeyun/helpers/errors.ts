import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { JikeyunApiError } from '../protocol/errors';

/** Wraps any failure of a Jikeyun call as the n8n error for item `itemIndex`, keeping the gateway's diagnosis. */
export function toJikeyunNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// The n8n constructors return such errors unchanged, so set the item index on the object itself.
		error.context = { ...(error.context ?? {}), itemIndex };
		return error;
	}
	if (error instanceof JikeyunApiError) {
		return new NodeApiError(
			node,
			{
				message: error.message,
				code: error.code ?? null,
				subCode: error.subCode ?? null,
				contextId: error.contextId ?? null,
				method: error.method,
			} as JsonObject,
			{
				itemIndex,
				message: error.message,
				description: error.hint,
				httpCode: error.httpStatus && error.httpStatus !== 200 ? String(error.httpStatus) : undefined,
			},
		);
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
