/**
 * Batch Save of one batch of packages, with optional upsert by number, mapping of the reply to
 * packages (DIndex, or Number when BatchCount is set), and verification instead of blind resending
 * when the outcome of the write is unknown. Pure: talks to Kingdee only through a KingdeeSession.
 */
import {
	KingdeeApiError,
	describeRowErrors,
	isKingdeeApiError,
	msgCodeMeaning,
	type KingdeeErrorKind,
	type KingdeeRowError,
} from './errors';
import { hasPrimaryKey, packageNumber } from './model';
import { inFilter, queryAllRows } from './query';
import type { KingdeeStatusReply, KingdeeSuccessEntity } from './responses';
import type { KingdeeSession } from './session';

export interface BatchSaveSettings {
	formId: string;
	/** FNumber for base data, FBillNo for bills. */
	numberField: string;
	/** Internal id field, e.g. FCUSTID. */
	primaryKeyField: string;
	upsertByNumber: boolean;
	/** The BatchSave data object without Model (IsAutoSubmitAndAudit, BatchCount, …). */
	saveData: Record<string, unknown>;
}

export type PackageOutcome =
	| {
			status: 'created' | 'updated';
			id: string | number | null;
			number: string | null;
			/** True when the result was established by querying the number after an unclear reply. */
			verified: boolean;
	  }
	| {
			status: 'failed';
			message: string;
			rowErrors: KingdeeRowError[];
			msgCode?: number;
			kind: KingdeeErrorKind;
			number: string | null;
	  }
	| { status: 'unknown'; message: string; number: string | null };

export interface ExistingRecord {
	id: string | number;
	documentStatus: string | null;
}

/**
 * ONE ExecuteBillQuery for all numbers of a batch: `<PK>,<numberField>,FDocumentStatus` with
 * `<numberField> IN (…)`. Forms without FDocumentStatus are retried once without it.
 */
export async function findExistingByNumber(
	session: KingdeeSession,
	settings: Pick<BatchSaveSettings, 'formId' | 'numberField' | 'primaryKeyField'>,
	numbers: string[],
): Promise<Map<string, ExistingRecord>> {
	const found = new Map<string, ExistingRecord>();
	const unique = [...new Set(numbers)];
	if (unique.length === 0) return found;
	const query = async (withStatus: boolean) =>
		await queryAllRows(session, {
			formId: settings.formId,
			fieldKeys: withStatus
				? [settings.primaryKeyField, settings.numberField, 'FDocumentStatus']
				: [settings.primaryKeyField, settings.numberField],
			filterString: inFilter(settings.numberField, unique),
			orderString: `${settings.primaryKeyField} ASC`,
		});
	let rows: Array<Record<string, unknown>> | undefined;
	let failure: unknown;
	try {
		rows = await query(true);
	} catch (error) {
		failure = error;
	}
	if (!rows) {
		const missingStatusField =
			isKingdeeApiError(failure) && failure.kind === 'invalidRequest' && /FDocumentStatus/i.test(failure.message);
		if (!missingStatusField) throw failure;
		rows = await query(false);
	}
	for (const row of rows) {
		const number = row[settings.numberField];
		const id = row[settings.primaryKeyField];
		if (number === null || number === undefined || id === null || id === undefined) continue;
		const key = String(number);
		// Several rows per number (e.g. base data allocated to several orgs): the oldest (lowest id) wins.
		if (found.has(key)) continue;
		const status = row.FDocumentStatus;
		found.set(key, {
			id: id as string | number,
			documentStatus: typeof status === 'string' ? status : null,
		});
	}
	return found;
}

interface ReplyMapping {
	success: Map<number, KingdeeSuccessEntity>;
	errors: Map<number, KingdeeRowError[]>;
	unattributed: KingdeeRowError[];
}

/**
 * Which package each SuccessEntity and Error belongs to. Without BatchCount, DIndex is the package's
 * position. With BatchCount the server numbers per internal batch (reference §4.3), so successes are
 * matched by Number and errors only when their text names exactly one package number.
 */
export function mapBatchSaveReply(
	numbers: Array<string | undefined>,
	reply: KingdeeStatusReply,
	dIndexIsPerServerBatch: boolean,
): ReplyMapping {
	const count = numbers.length;
	const success = new Map<number, KingdeeSuccessEntity>();
	const errors = new Map<number, KingdeeRowError[]>();
	const unattributed: KingdeeRowError[] = [];
	const byNumber = (number: string | null): number | undefined => {
		if (number === null) return undefined;
		const position = numbers.findIndex((candidate, index) => candidate === number && !success.has(index));
		return position >= 0 ? position : undefined;
	};
	for (const entity of reply.status.successEntities) {
		let position: number | undefined;
		if (!dIndexIsPerServerBatch && entity.dIndex !== null && entity.dIndex >= 0 && entity.dIndex < count) {
			position = entity.dIndex;
			// Trust DIndex only when it agrees with the number (if both are known).
			const expected = numbers[position];
			if (entity.number !== null && expected !== undefined && expected !== entity.number) position = byNumber(entity.number);
		} else {
			position = byNumber(entity.number);
		}
		if (position !== undefined && !success.has(position)) success.set(position, entity);
	}
	for (const error of reply.status.errors) {
		let position: number | undefined;
		if (!dIndexIsPerServerBatch) {
			if (error.dIndex !== null && error.dIndex >= 0 && error.dIndex < count) position = error.dIndex;
		} else {
			const named = numbers
				.map((number, index) => (number !== undefined && error.message.includes(number) ? index : -1))
				.filter((index) => index >= 0);
			if (named.length === 1) position = named[0];
		}
		if (position === undefined) {
			unattributed.push(error);
			continue;
		}
		const list = errors.get(position) ?? [];
		list.push(error);
		errors.set(position, list);
	}
	return { success, errors, unattributed };
}

function failureMessage(rowErrors: KingdeeRowError[], msgCode: number | undefined): string {
	const meaning = msgCodeMeaning(msgCode);
	return `${describeRowErrors(rowErrors) || 'Kingdee gave no message'}${meaning ? ` [MsgCode ${msgCode}: ${meaning}]` : ''}`;
}

function failedFromError(error: unknown, number: string | null, prefix = ''): PackageOutcome {
	const apiError = isKingdeeApiError(error)
		? error
		: new KingdeeApiError(error instanceof Error ? error.message : String(error), { kind: 'transport' });
	return {
		status: 'failed',
		message: `${prefix}${apiError.message}`,
		rowErrors: apiError.rowErrors,
		msgCode: apiError.msgCode,
		kind: apiError.kind,
		number,
	};
}

/**
 * Saves one batch (one BatchSave call, plus one lookup query in upsert mode, one UnAudit call if
 * audited records must be modified, and a verification query only when some outcome is unclear).
 * Returns one outcome per package, in input order. Throws only for errors that are not about this
 * batch's data (e.g. wrong credentials), which the caller reports for the whole run.
 */
export async function saveBatch(
	session: KingdeeSession,
	inputModels: Array<Record<string, unknown>>,
	settings: BatchSaveSettings,
): Promise<PackageOutcome[]> {
	const { primaryKeyField: pk } = settings;
	const models = inputModels.map((model) => ({ ...model }));
	const numbers = models.map((model) => packageNumber(model, settings.numberField));
	const numberOf = (index: number) => numbers[index] ?? null;
	const outcomes: Array<PackageOutcome | undefined> = new Array(models.length);
	const existed = models.map((model) => hasPrimaryKey(model, pk));
	const isAuth = (error: unknown) => isKingdeeApiError(error) && error.kind === 'auth';

	if (settings.upsertByNumber) {
		let existing: Map<string, ExistingRecord> | undefined;
		let lookupError: unknown;
		try {
			existing = await findExistingByNumber(session, settings, numbers.filter((n): n is string => n !== undefined));
		} catch (error) {
			lookupError = error;
		}
		if (!existing) {
			if (isAuth(lookupError)) throw lookupError;
			return models.map((_, index) =>
				failedFromError(lookupError, numberOf(index), `Looking up existing numbers failed, nothing was saved: `),
			);
		}
		const toUnAudit: number[] = [];
		models.forEach((model, index) => {
			const number = numbers[index];
			const record = number === undefined ? undefined : existing.get(number);
			if (!record) return;
			model[pk] = record.id;
			existed[index] = true;
			// Kingdee refuses to modify audited records; un-audit first (reference §5).
			if (record.documentStatus === 'C') toUnAudit.push(index);
		});
		if (toUnAudit.length > 0) await unAuditExisting(session, settings, models, toUnAudit, numberOf, outcomes);
	}

	const pending = models.map((_, index) => index).filter((index) => outcomes[index] === undefined);
	await sendAndMap(pending, true);
	return outcomes.map(
		(outcome, index) =>
			outcome ?? { status: 'unknown', message: 'No result was determined for this package', number: numberOf(index) },
	);

	async function sendAndMap(indices: number[], resendAllowed: boolean): Promise<void> {
		if (indices.length === 0) return;
		let reply: KingdeeStatusReply | undefined;
		let failure: unknown;
		try {
			reply = await session.formCall('DynamicFormService.BatchSave', settings.formId, {
				...settings.saveData,
				Model: indices.map((index) => models[index]),
			});
		} catch (error) {
			failure = error;
		}
		if (!reply) {
			if (isKingdeeApiError(failure) && failure.kind === 'outcomeUnknown') {
				await verify(indices, 'noAnswer', failure.message, resendAllowed);
				return;
			}
			if (isAuth(failure)) throw failure;
			for (const index of indices) outcomes[index] = failedFromError(failure, numberOf(index));
			return;
		}
		const mapping = mapBatchSaveReply(
			indices.map((index) => numbers[index]),
			reply,
			Number(settings.saveData.BatchCount ?? 0) > 0,
		);
		const unclear: number[] = [];
		indices.forEach((index, position) => {
			const entity = mapping.success.get(position);
			const rowErrors = mapping.errors.get(position);
			if (entity) {
				outcomes[index] = {
					status: existed[index] ? 'updated' : 'created',
					id: entity.id ?? (existed[index] ? (models[index][pk] as string | number) : null),
					number: entity.number ?? numberOf(index),
					verified: false,
				};
			} else if (rowErrors) {
				outcomes[index] = {
					status: 'failed',
					message: failureMessage(rowErrors, reply.status.msgCode),
					rowErrors,
					msgCode: reply.status.msgCode,
					kind: reply.status.msgCode === 11 || reply.status.msgCode === undefined ? 'validation' : 'server',
					number: numberOf(index),
				};
			} else {
				unclear.push(index);
			}
		});
		if (unclear.length > 0) {
			const reported = mapping.unattributed.length > 0 ? mapping.unattributed : reply.status.errors;
			const batchMessage = reported.length > 0 ? failureMessage(reported, reply.status.msgCode) : '';
			await verify(unclear, 'notReported', batchMessage, false, reported, reply.status.msgCode);
		}
	}

	/**
	 * Packages whose outcome the reply did not state: query their numbers. Found → saved. Missing
	 * after a call that never answered → resend those (once). Missing after a clear reply → failed.
	 */
	async function verify(
		indices: number[],
		reason: 'noAnswer' | 'notReported',
		context: string,
		resendAllowed: boolean,
		batchErrors: KingdeeRowError[] = [],
		batchMsgCode?: number,
	): Promise<void> {
		const checkable = indices.filter((index) => numbers[index] !== undefined);
		for (const index of indices) {
			if (numbers[index] !== undefined) continue;
			outcomes[index] = {
				status: 'unknown',
				message:
					reason === 'noAnswer'
						? `No answer from Kingdee (${context}); the package has no ${settings.numberField} to look it up, so whether it was saved is unknown. Check in Kingdee before running it again.`
						: `Kingdee reported neither success nor an error for this package and it has no ${settings.numberField} to look it up. Check in Kingdee before running it again.`,
				number: null,
			};
		}
		if (checkable.length === 0) return;
		let found: Map<string, ExistingRecord> | undefined;
		let lookupError: unknown;
		try {
			found = await findExistingByNumber(session, settings, checkable.map((index) => numbers[index] as string));
		} catch (error) {
			lookupError = error;
		}
		if (!found) {
			if (isAuth(lookupError)) throw lookupError;
			const why = lookupError instanceof Error ? lookupError.message : String(lookupError);
			for (const index of checkable) {
				outcomes[index] = {
					status: 'unknown',
					message: `Outcome unknown: ${context || 'Kingdee reported nothing for this package'}; checking ${settings.numberField} "${numbers[index]}" afterwards failed too (${why}). Check in Kingdee before running it again.`,
					number: numberOf(index),
				};
			}
			return;
		}
		const missing: number[] = [];
		for (const index of checkable) {
			const record = found.get(numbers[index] as string);
			if (record) {
				outcomes[index] = {
					status: existed[index] ? 'updated' : 'created',
					id: record.id,
					number: numberOf(index),
					verified: true,
				};
			} else {
				missing.push(index);
			}
		}
		if (missing.length === 0) return;
		if (reason === 'noAnswer' && resendAllowed) {
			// Verified absent: sending exactly these packages again cannot create duplicates.
			await sendAndMap(missing, false);
			return;
		}
		for (const index of missing) {
			outcomes[index] =
				reason === 'noAnswer'
					? {
							status: 'unknown',
							message: `No answer from Kingdee twice (${context}) and ${settings.numberField} "${numbers[index]}" is not found afterwards: probably not saved, but the server may still be working. Check in Kingdee before running it again.`,
							number: numberOf(index),
						}
					: {
							status: 'failed',
							message: `Not saved (${settings.numberField} "${numbers[index]}" not found afterwards)${context ? `; the batch reported: ${context}` : ''}`,
							rowErrors: batchErrors,
							msgCode: batchMsgCode,
							kind: 'server',
							number: numberOf(index),
						};
		}
	}
}

/** One UnAudit call (by ids) for the audited records an upsert must modify; failures fail those packages. */
async function unAuditExisting(
	session: KingdeeSession,
	settings: BatchSaveSettings,
	models: Array<Record<string, unknown>>,
	indices: number[],
	numberOf: (index: number) => string | null,
	outcomes: Array<PackageOutcome | undefined>,
): Promise<void> {
	const ids = indices.map((index) => String(models[index][settings.primaryKeyField]));
	let reply: KingdeeStatusReply | undefined;
	let failure: unknown;
	try {
		reply = await session.formCall('DynamicFormService.UnAudit', settings.formId, { Ids: ids.join(',') });
	} catch (error) {
		failure = error;
	}
	if (!reply) {
		if (isKingdeeApiError(failure) && failure.kind === 'auth') throw failure;
		for (const index of indices) {
			outcomes[index] = failedFromError(
				failure,
				numberOf(index),
				`The existing record is audited and un-auditing it (needed to update it) failed: `,
			);
		}
		return;
	}
	if (reply.status.isSuccess) return;
	const succeededIds = new Set(reply.status.successEntities.map((entity) => String(entity.id)));
	indices.forEach((index, position) => {
		if (succeededIds.has(ids[position])) return;
		const rowErrors = reply.status.errors.filter((error) => error.dIndex === position);
		const reported = rowErrors.length > 0 ? rowErrors : reply.status.errors;
		outcomes[index] = {
			status: 'failed',
			message: `The existing record is audited and could not be un-audited (needed to update it): ${failureMessage(reported, reply.status.msgCode)}`,
			rowErrors: reported,
			msgCode: reply.status.msgCode,
			kind: 'notAllowed',
			number: numberOf(index),
		};
	});
}
