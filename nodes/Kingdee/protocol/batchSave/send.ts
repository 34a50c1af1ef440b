/**
 * One BatchSave call and what its answer says about each package (docs/kingdee-webapi.md#batchsave-and-dindex).
 * Pure: talks to Kingdee only through a KingdeeSession.
 */
import { settle } from '../../../common/settle';
import { isKingdeeApiError, type KingdeeRowError } from '../errors';
import type { KingdeeStatusReply, KingdeeSuccessEntity } from '../responses';
import type { PlannedPackage } from '../savePlan';
import type { KingdeeSession } from '../session';
import { failedFromError, failureMessage, isAuthError } from './failures';
import type { BatchSaveSettings, UnsavedOutcome } from './types';

interface ReplyMapping {
	success: Map<number, KingdeeSuccessEntity>;
	errors: Map<number, KingdeeRowError[]>;
	unattributed: KingdeeRowError[];
}

/** Position of the first package with `number` that has no success yet. */
function positionOfNumber(
	numbers: Array<string | undefined>,
	number: string | null,
	success: ReadonlyMap<number, KingdeeSuccessEntity>,
): number | undefined {
	if (number === null) return undefined;
	const position = numbers.findIndex((candidate, index) => candidate === number && !success.has(index));
	return position >= 0 ? position : undefined;
}

function mapSuccesses(
	numbers: Array<string | undefined>,
	entities: KingdeeSuccessEntity[],
	dIndexIsPerServerBatch: boolean,
): Map<number, KingdeeSuccessEntity> {
	const success = new Map<number, KingdeeSuccessEntity>();
	for (const entity of entities) {
		let position: number | undefined;
		if (!dIndexIsPerServerBatch && entity.dIndex !== null && entity.dIndex >= 0 && entity.dIndex < numbers.length) {
			position = entity.dIndex;
			// Trust DIndex only when it agrees with the number (if both are known).
			const expected = numbers[position];
			if (entity.number !== null && expected !== undefined && expected !== entity.number)
				position = positionOfNumber(numbers, entity.number, success);
		} else {
			position = positionOfNumber(numbers, entity.number, success);
		}
		if (position !== undefined && !success.has(position)) success.set(position, entity);
	}
	return success;
}

/** The package an error belongs to: by DIndex, or with BatchCount only when its text names exactly one number. */
function errorPosition(
	numbers: Array<string | undefined>,
	error: KingdeeRowError,
	dIndexIsPerServerBatch: boolean,
): number | undefined {
	if (!dIndexIsPerServerBatch) {
		return error.dIndex !== null && error.dIndex >= 0 && error.dIndex < numbers.length ? error.dIndex : undefined;
	}
	const named = numbers
		.map((number, index) => (number !== undefined && error.message.includes(number) ? index : -1))
		.filter((index) => index >= 0);
	return named.length === 1 ? named[0] : undefined;
}

/**
 * Which package each SuccessEntity and Error belongs to. Without BatchCount, DIndex is the package's
 * position. With BatchCount the server numbers per internal batch (docs/kingdee-webapi.md#batchsave-and-dindex), so successes are
 * matched by Number and errors only when their text names exactly one package number.
 */
export function mapBatchSaveReply(
	numbers: Array<string | undefined>,
	reply: KingdeeStatusReply,
	dIndexIsPerServerBatch: boolean,
): ReplyMapping {
	const success = mapSuccesses(numbers, reply.status.successEntities, dIndexIsPerServerBatch);
	const errors = new Map<number, KingdeeRowError[]>();
	const unattributed: KingdeeRowError[] = [];
	for (const error of reply.status.errors) {
		const position = errorPosition(numbers, error, dIndexIsPerServerBatch);
		if (position === undefined) {
			unattributed.push(error);
			continue;
		}
		errors.set(position, [...(errors.get(position) ?? []), error]);
	}
	return { success, errors, unattributed };
}

export type SendResult =
	| { kind: 'saved'; entity: KingdeeSuccessEntity }
	| { kind: 'failed'; outcome: UnsavedOutcome }
	/** The answer did not say: lost (`noAnswer`) or the package is in neither list (`notReported`). */
	| {
			kind: 'unclear';
			reason: 'noAnswer' | 'notReported';
			context: string;
			rowErrors: KingdeeRowError[];
			msgCode?: number;
	  };

/** One result per package from a BatchSave answer. */
function resultsOfReply(packages: PlannedPackage[], reply: KingdeeStatusReply, dIndexIsPerServerBatch: boolean) {
	const status = reply.status;
	const mapping = mapBatchSaveReply(
		packages.map((item) => item.number),
		reply,
		dIndexIsPerServerBatch,
	);
	// Errors no package could be matched to belong to the packages in neither list; only one of each names its owner
	// (docs/kingdee-webapi.md#batchsave-and-dindex). Never another package's error: its field would mislead.
	const reported = mapping.unattributed;
	const unreported = packages.filter((_, position) => !mapping.success.has(position) && !mapping.errors.has(position));
	const owned = reported.length === 1 && unreported.length === 1 ? reported : [];
	return packages.map((item, position): SendResult => {
		const entity = mapping.success.get(position);
		if (entity) return { kind: 'saved', entity };
		const rowErrors = mapping.errors.get(position);
		if (rowErrors) {
			return {
				kind: 'failed',
				outcome: {
					status: 'failed',
					message: failureMessage(rowErrors, status.msgCode),
					rowErrors,
					msgCode: status.msgCode,
					kind: status.msgCode === 11 || status.msgCode === undefined ? 'validation' : 'server',
					number: item.number ?? null,
				},
			};
		}
		return {
			kind: 'unclear',
			reason: 'notReported',
			context: reported.length > 0 ? failureMessage(reported, status.msgCode) : '',
			rowErrors: owned,
			msgCode: status.msgCode,
		};
	});
}

/** One BatchSave call for `packages`; one result per package. Throws only auth errors. */
export async function sendBatch(
	session: KingdeeSession,
	packages: PlannedPackage[],
	settings: Pick<BatchSaveSettings, 'formId' | 'saveData'>,
	part?: string,
): Promise<SendResult[]> {
	const answer = await settle(
		async () =>
			await session.formCall(
				'DynamicFormService.BatchSave',
				settings.formId,
				{ ...settings.saveData, Model: packages.map((item) => item.model) },
				part,
			),
	);
	if (answer.ok) return resultsOfReply(packages, answer.value, Number(settings.saveData.BatchCount ?? 0) > 0);
	const failure = answer.error;
	if (isAuthError(failure)) throw failure;
	if (isKingdeeApiError(failure) && failure.kind === 'outcomeUnknown') {
		return packages.map(() => ({ kind: 'unclear', reason: 'noAnswer', context: failure.message, rowErrors: [] }));
	}
	return packages.map((item) => ({ kind: 'failed', outcome: failedFromError(failure, item.number ?? null) }));
}
