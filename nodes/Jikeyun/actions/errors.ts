import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { JikeyunApiError, JikeyunSettingsError } from '../protocol/errors';

/**
 * Wraps any failure of a Jikeyun call as the n8n error for item `itemIndex`, keeping the gateway's
 * diagnosis; the description starts with `where` (default "Item N") and says what to do.
 */
export function toJikeyunNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	where = `Item ${itemIndex}`,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// The n8n constructors return such errors unchanged, so set the item index on the object itself.
		error.context = { ...(error.context ?? {}), itemIndex };
		return error;
	}
	if (error instanceof JikeyunSettingsError) {
		return new NodeOperationError(node, error.message, { itemIndex, description: `${where}: ${error.fix}` });
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
				description: `${where}: ${error.hint}`,
				httpCode: error.httpStatus && error.httpStatus !== 200 ? String(error.httpStatus) : undefined,
			},
		);
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
