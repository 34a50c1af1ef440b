import { NodeApiError, NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import {
	apiFailureError,
	genericFailure,
	unexpectedNodeError,
	type FailurePhase,
	type ItemFailure,
} from '../../shared/errors';
import { isKingdeeApiError, type KingdeeErrorKind } from '../protocol/errors';

/** One sentence telling the user what to do about a failure of this kind. */
export function whatToDo(kind: KingdeeErrorKind | 'unknown'): string {
	switch (kind) {
		case 'validation':
			return 'Fix the named field in this item (or its mapping) and run again; the other items are not affected.';
		case 'notFound':
			return 'Check that the number or id exists in Kingdee (in the organisation used).';
		case 'permission':
			return 'Give the Kingdee user permission for this form and operation.';
		case 'notAllowed':
			return 'The record is in a state that does not allow this (e.g. audited records must be un-audited first).';
		case 'invalidRequest':
			return 'Check the Form ID, field keys and option values.';
		case 'unknownForm':
			return 'Check the Form ID (表单标识): Kingdee knows no form by this ID. Pick the form from the list, or copy its exact ID from Kingdee BOS (e.g. BD_Customer).';
		case 'licence':
			return 'Check the Kingdee licence of the WebAPI user.';
		case 'auth':
		case 'sessionLost':
			return 'Check the Kingdee credential (Account ID, user, password / App ID / App Secret).';
		case 'transient':
			return 'Kingdee was busy or unreachable; run again later or lower Parallel Requests.';
		case 'outcomeUnknown':
		case 'unknown':
			return 'Check in Kingdee whether it was saved before running this item again.';
		default:
			return 'Check the Server URL and the Kingdee server log; run again if the problem was temporary.';
	}
}

/** Whole-call failure for one item, as message + details. */
export function describeCallFailure(
	error: unknown,
	itemIndex: number,
	what: string,
): { message: string; details: IDataObject & { kind: string; field: string } } {
	if (isKingdeeApiError(error)) {
		const field = error.rowErrors.find((row) => row.fieldName)?.fieldName ?? '';
		return {
			message: `Item ${itemIndex}: ${what} ${error.notSent ? 'not sent:' : 'failed —'} ${error.message}. ${whatToDo(error.kind)}`,
			details: {
				field,
				msgCode: error.msgCode ?? null,
				kind: error.kind,
				...(error.notSent ? { notSent: true } : {}),
				kingdeeErrors: error.rowErrors.map((row) => ({ field: row.fieldName, message: row.message })),
			},
		};
	}
	const message = error instanceof Error ? error.message : String(error);
	return {
		message: `Item ${itemIndex}: ${what} failed — ${message}`,
		details: { field: '', msgCode: null, kind: 'node' },
	};
}

/**
 * NodeApiError for a Kingdee failure: our message in every mode, the details as text (a plain object is wrapped so no
 * request data rides along).
 */
export function nodeApiError(
	node: INode,
	message: string,
	itemIndex: number | undefined,
	details?: IDataObject,
): NodeApiError {
	return apiFailureError(node, message, itemIndex, details);
}

/**
 * Re-wraps anything thrown during an operation as a node error without losing an existing item index. With `what` (the
 * operation's label) and an item, a Kingdee error reads exactly as that item's error item does (describeCallFailure).
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
	what?: string,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (isKingdeeApiError(error)) {
		if (what !== undefined && itemIndex !== undefined) {
			const { message, details } = describeCallFailure(error, itemIndex, what);
			return nodeApiError(node, message, itemIndex, details);
		}
		const prefix = error.notSent ? `${itemIndex !== undefined ? `Item ${itemIndex}: ` : ''}not sent: ` : '';
		return nodeApiError(node, `${prefix}${error.message}. ${whatToDo(error.kind)}`, itemIndex, {
			msgCode: error.msgCode ?? null,
			kind: error.kind,
		});
	}
	return unexpectedNodeError(node, error, itemIndex);
}

/**
 * The Kingdee failure mapper of the shared runner: a Kingdee error names the operation, says what to do and keeps
 * field, MsgCode and kind in the details; anything else as genericFailure (with msgCode null, as the sample reads it).
 */
export function kingdeeFailure(
	node: INode,
	error: unknown,
	itemIndex: number,
	label: string,
	phase: FailurePhase,
): ItemFailure {
	if (!isKingdeeApiError(error)) return genericFailure(node, error, itemIndex, label, phase, { msgCode: null });
	const { message, details } = describeCallFailure(error, itemIndex, label);
	return { message, error: nodeApiError(node, message, itemIndex, details), details };
}
