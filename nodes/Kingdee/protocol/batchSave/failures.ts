/** How the Batch Save steps word a failure: one message style for row errors, thrown errors and MsgCodes. Pure. */
import { KingdeeApiError, describeRowErrors, isKingdeeApiError, msgCodeMeaning, type KingdeeRowError } from '../errors';
import type { UnsavedOutcome } from './types';

export function failureMessage(rowErrors: KingdeeRowError[], msgCode: number | undefined): string {
	const meaning = msgCodeMeaning(msgCode);
	return `${describeRowErrors(rowErrors) || 'Kingdee gave no message'}${meaning ? ` [MsgCode ${msgCode}: ${meaning}]` : ''}`;
}

export function asApiError(error: unknown): KingdeeApiError {
	return isKingdeeApiError(error)
		? error
		: new KingdeeApiError(error instanceof Error ? error.message : String(error), { kind: 'transport' });
}

export function failedFromError(error: unknown, number: string | null): UnsavedOutcome {
	const apiError = asApiError(error);
	return {
		status: 'failed',
		message: `${apiError.notSent ? 'not sent: ' : ''}${apiError.message}`,
		rowErrors: apiError.rowErrors,
		msgCode: apiError.msgCode,
		kind: apiError.kind,
		number,
	};
}

/** Wrong credentials end the whole run: the steps re-throw them instead of failing one package. */
export const isAuthError = (error: unknown) => isKingdeeApiError(error) && error.kind === 'auth';
