import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';
import {
	apiFailureError,
	genericFailure,
	keepMessage,
	unexpectedNodeError,
	type FailurePhase,
	type ItemFailure,
} from '../../shared/errors';
import { JikeyunApiError, JikeyunSettingsError } from '../protocol/errors';

/**
 * Wraps any failure of a Jikeyun call as the n8n error for item `itemIndex`, keeping the gateway's
 * diagnosis; the description starts with `where` (default "Item N") and says what to do.
 */
export function toNodeError(
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
		const settingsError = new NodeOperationError(node, error.message, {
			itemIndex,
			description: `${where}: ${error.fix}`,
		});
		return keepMessage(settingsError, error.message);
	}
	if (error instanceof JikeyunApiError) {
		return apiFailureError(
			node,
			error.message,
			itemIndex,
			{
				code: error.code ?? null,
				subCode: error.subCode ?? null,
				contextId: error.contextId ?? null,
				method: error.method,
			},
			{
				description: `${where}: ${error.hint}`,
				httpCode: error.httpStatus && error.httpStatus !== 200 ? String(error.httpStatus) : undefined,
			},
		);
	}
	return unexpectedNodeError(node, error, itemIndex);
}

/**
 * The Jikeyun failure mapper of the shared runner: gateway and settings errors keep the gateway's diagnosis (kind,
 * subCode, contextId) in the error item's details next to the n8n description; anything else as genericFailure.
 */
export function jikeyunFailure(
	node: INode,
	error: unknown,
	itemIndex: number,
	label: string,
	phase: FailurePhase,
): ItemFailure {
	if (!(error instanceof JikeyunApiError) && !(error instanceof JikeyunSettingsError)) {
		const failure = genericFailure(node, error, itemIndex, label, phase);
		return { ...failure, details: { ...failure.details, description: failure.error.description ?? null } };
	}
	const nodeError = toNodeError(node, error, itemIndex);
	const specifics =
		error instanceof JikeyunApiError
			? { method: error.method, subCode: error.subCode ?? null, contextId: error.contextId ?? null }
			: {};
	return {
		message: nodeError.message,
		error: nodeError,
		details: {
			kind: error instanceof JikeyunApiError ? error.kind : 'settings',
			field: '',
			...specifics,
			description: nodeError.description ?? null,
		},
	};
}
