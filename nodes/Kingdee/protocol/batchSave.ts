/**
 * Change-aware Batch Save as a small pipeline: plan → un-audit → send → map → verify → re-audit.
 * Every package ends with a status Kingdee has shown to be true, or `unknown` with what was found.
 * Pure: talks to Kingdee only through KingdeeSessions of a pool.
 *
 * - plan: one lookup of every input number (IN lists of 1,000) reads what Kingdee holds; each package
 *   is create, update (with the differing fields) or unchanged (savePlan.ts).
 * - un-audit: Kingdee refuses to modify audited records (docs/kingdee-webapi.md#status-flow); only records that really
 *   change are un-audited, in one call per 1,000.
 * - send: batches go to the sessions as a work queue; the reply is mapped to packages by DIndex or
 *   Number (docs/kingdee-webapi.md#batchsave-and-dindex).
 * - verify: a package whose outcome the answer did not state is read back and counts as saved only
 *   when Kingdee holds the values sent; proven not applied → sent again (within the send limit).
 * - re-audit: records this run un-audited but did not save are submitted and audited again (docs/kingdee-webapi.md#status-flow).
 */
import { settle } from '../../common/settle';
import {
	KingdeeApiError,
	describeRowErrors,
	isKingdeeApiError,
	msgCodeMeaning,
	type KingdeeErrorKind,
	type KingdeeRowError,
} from './errors';
import {
	lookupExisting,
	NUMBERS_PER_LOOKUP,
	sequentially,
	type ChunkRunner,
	type LookupResult,
} from './existingRecords';
import { packageNumber } from './model';
import type { KingdeeStatusReply, KingdeeSuccessEntity } from './responses';
import {
	findDuplicateNumbers,
	numberKey,
	planPackages,
	readKeysForPackages,
	valuesEqual,
	describePackageFields,
	displayValue,
	type ExistingRecord,
	type FieldChange,
	type PlanAction,
	type PlannedPackage,
	type UnverifiableField,
} from './savePlan';
import type { KingdeeSession, KingdeeSessionPool } from './session';

export interface BatchSaveSettings {
	formId: string;
	/** FNumber for base data, FBillNo for bills. */
	numberField: string;
	/** Internal id field, e.g. FCUSTID. */
	primaryKeyField: string;
	upsertByNumber: boolean;
	/** Upsert only: packages equal to what Kingdee holds are not sent. */
	skipUnchanged: boolean;
	/** Plan only: no Save, UnAudit, Submit or Audit. */
	dryRun: boolean;
	batchSize: number;
	/** Times one package may be sent in total: a resend happens only after a lookup proved it was not applied. */
	maxSends: number;
	/** Stop sending further batches after the first package that was not saved. */
	stopAtFirstFailure: boolean;
	/** The BatchSave data object without Model (IsAutoSubmitAndAudit, BatchCount, …). */
	saveData: Record<string, unknown>;
}

interface Planned {
	action: PlanAction;
	changes: FieldChange[];
	unverifiable: UnverifiableField[];
}

export type PackageOutcome =
	| ({ status: 'created' | 'updated'; id: string | number | null; number: string | null; verified: boolean } & Planned)
	| { status: 'unchanged'; id: string | number; number: string | null }
	| ({ status: 'planned'; id: string | number | null; number: string | null } & Planned)
	| {
			status: 'failed';
			message: string;
			rowErrors: KingdeeRowError[];
			msgCode?: number;
			kind: KingdeeErrorKind;
			number: string | null;
	  }
	| { status: 'unknown'; message: string; number: string | null };

export type SavedOutcome = Extract<PackageOutcome, { status: 'created' | 'updated' }>;

export function isSaved(outcome: PackageOutcome): outcome is SavedOutcome {
	return outcome.status === 'created' || outcome.status === 'updated';
}

/** Everything but created/updated/unchanged/planned: the rows that go to the error output. */
export type UnsavedOutcome = Extract<PackageOutcome, { status: 'failed' | 'unknown' }>;

export function isUnsaved(outcome: PackageOutcome): outcome is UnsavedOutcome {
	return outcome.status === 'failed' || outcome.status === 'unknown';
}

/** UnAudit / Submit / Audit take at most this many ids per call (no documented limit; keeps requests moderate). */
const IDS_PER_STATE_CALL = NUMBERS_PER_LOOKUP;

// ---------------------------------------------------------------------------------------------------------------
// Mapping a BatchSave reply

interface ReplyMapping {
	success: Map<number, KingdeeSuccessEntity>;
	errors: Map<number, KingdeeRowError[]>;
	unattributed: KingdeeRowError[];
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
			if (entity.number !== null && expected !== undefined && expected !== entity.number)
				position = byNumber(entity.number);
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

function asApiError(error: unknown): KingdeeApiError {
	return isKingdeeApiError(error)
		? error
		: new KingdeeApiError(error instanceof Error ? error.message : String(error), { kind: 'transport' });
}

function failedFromError(error: unknown, number: string | null, prefix = ''): UnsavedOutcome {
	const apiError = asApiError(error);
	return {
		status: 'failed',
		message: `${prefix}${apiError.notSent ? 'not sent: ' : ''}${apiError.message}`,
		rowErrors: apiError.rowErrors,
		msgCode: apiError.msgCode,
		kind: apiError.kind,
		number,
	};
}

const isAuthError = (error: unknown) => isKingdeeApiError(error) && error.kind === 'auth';

// ---------------------------------------------------------------------------------------------------------------
// Step: send one batch and map the answer

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
	if (!answer.ok) {
		const failure = answer.error;
		if (isAuthError(failure)) throw failure;
		if (isKingdeeApiError(failure) && failure.kind === 'outcomeUnknown') {
			return packages.map(() => ({ kind: 'unclear', reason: 'noAnswer', context: failure.message, rowErrors: [] }));
		}
		return packages.map((item) => ({ kind: 'failed', outcome: failedFromError(failure, item.number ?? null) }));
	}
	const reply = answer.value;
	const status = reply.status;
	const mapping = mapBatchSaveReply(
		packages.map((item) => item.number),
		reply,
		Number(settings.saveData.BatchCount ?? 0) > 0,
	);
	const reported = mapping.unattributed.length > 0 ? mapping.unattributed : status.errors;
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
			rowErrors: reported,
			msgCode: status.msgCode,
		};
	});
}

// ---------------------------------------------------------------------------------------------------------------
// Step: verify by content

export type Verification =
	| { kind: 'holds'; id: string | number }
	| { kind: 'notApplied' }
	| { kind: 'unclear'; message: string };

/** What Kingdee holds now for the fields this package sent, compared with the sent and the previous values. */
export function judgeReadBack(
	item: PlannedPackage,
	now: ExistingRecord | undefined,
	settings: Pick<BatchSaveSettings, 'numberField' | 'primaryKeyField'>,
	unreadable: ReadonlyMap<string, string>,
): Verification {
	const creating = item.action === 'create';
	if (!now) {
		return creating
			? { kind: 'notApplied' }
			: {
					kind: 'unclear',
					message: `the record (Id ${String(item.existing?.id ?? '?')}) is no longer found by its number`,
				};
	}
	if (!creating && item.existing && String(now.id) !== String(item.existing.id)) {
		return { kind: 'unclear', message: `the number now belongs to another record (Id ${String(now.id)})` };
	}
	const { readable } = describePackageFields(item.model, settings.primaryKeyField, settings.numberField);
	const differing: string[] = [];
	let compared = 0;
	for (const { field, queryKey, caseInsensitive } of readable) {
		if (field.toLowerCase() === settings.numberField.toLowerCase()) continue;
		const lowerKey = queryKey.toLowerCase();
		if (unreadable.has(lowerKey)) continue;
		const storedKey = Object.keys(now.values).find((key) => key.toLowerCase() === lowerKey);
		if (storedKey === undefined) continue;
		compared++;
		if (!valuesEqual(item.model[field], now.values[storedKey], caseInsensitive)) {
			differing.push(
				`${field} is ${JSON.stringify(now.values[storedKey] ?? null)}, sent ${JSON.stringify(displayValue(item.model[field]))}`,
			);
		}
	}
	if (differing.length === 0) {
		if (creating || item.changes.length > 0 || (compared > 0 && item.unverifiable.length === 0))
			return { kind: 'holds', id: now.id };
		return {
			kind: 'unclear',
			message: `Kingdee holds the record, but the fields that changed (${item.unverifiable.map((u) => u.field).join(', ')}) cannot be read back to check`,
		};
	}
	// An update that left every changed field at its previous value was not applied.
	const untouched =
		!creating &&
		item.changes.length > 0 &&
		item.changes.every((change) => {
			const key = Object.keys(now.values).find(
				(k) =>
					k.toLowerCase() === change.field.toLowerCase() || k.toLowerCase() === `${change.field.toLowerCase()}.fnumber`,
			);
			return key !== undefined && valuesEqual(change.before, now.values[key], true);
		});
	if (untouched) return { kind: 'notApplied' };
	return { kind: 'unclear', message: `Kingdee holds other values than sent: ${differing.slice(0, 5).join('; ')}` };
}

/** Reads back the packages (by number) and judges each. Packages without a number cannot be checked. */
export async function verifyPackages(
	session: KingdeeSession,
	packages: PlannedPackage[],
	settings: Pick<BatchSaveSettings, 'formId' | 'numberField' | 'primaryKeyField'>,
	readKeys: string[],
	unreadable: ReadonlyMap<string, string>,
	part = 'read-back',
): Promise<Verification[]> {
	const numbers = packages.map((item) => item.number).filter((number): number is string => number !== undefined);
	const readBack = await settle(async () => {
		const keys = readKeys.filter((key) => !unreadable.has(key.toLowerCase()));
		return (await lookupExisting(session, settings, numbers, keys, undefined, part)).found;
	});
	if (!readBack.ok && isAuthError(readBack.error)) throw readBack.error;
	return packages.map((item): Verification => {
		if (item.number === undefined) {
			return {
				kind: 'unclear',
				message: `the package has no ${settings.numberField} to look it up, so it is not sent again`,
			};
		}
		if (!readBack.ok)
			return { kind: 'unclear', message: `reading it back failed too (${asApiError(readBack.error).message})` };
		return judgeReadBack(item, readBack.value.get(numberKey(item.number)), settings, unreadable);
	});
}

/** FDocumentStatus now, by input position, read by number. */
async function readStatuses(
	session: KingdeeSession,
	settings: Pick<BatchSaveSettings, 'formId' | 'numberField' | 'primaryKeyField'>,
	plans: PlannedPackage[],
): Promise<Map<number, string | null>> {
	const numbers = plans.map((plan) => plan.number).filter((number): number is string => number !== undefined);
	const { found } = await lookupExisting(session, settings, numbers, [], undefined, 'status read-back');
	const statuses = new Map<number, string | null>();
	for (const plan of plans) {
		const record = plan.number === undefined ? undefined : found.get(numberKey(plan.number));
		if (record && String(record.id) === String(plan.existing?.id)) statuses.set(plan.index, record.documentStatus);
	}
	return statuses;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps: un-audit before, re-audit after

/**
 * One state call (UnAudit, Submit, Audit) by Ids for many records, in calls of 1,000 ids.
 * Returns the error text per id that did not succeed ('' = succeeded).
 */
export async function changeState(
	session: KingdeeSession,
	service: 'DynamicFormService.UnAudit' | 'DynamicFormService.Submit' | 'DynamicFormService.Audit',
	formId: string,
	ids: string[],
): Promise<Map<string, string>> {
	const results = new Map<string, string>();
	for (let start = 0; start < ids.length; start += IDS_PER_STATE_CALL) {
		const chunk = ids.slice(start, start + IDS_PER_STATE_CALL);
		const answer = await settle(
			async () =>
				await session.formCall(service, formId, { Ids: chunk.join(',') }, `ids ${start + 1}–${start + chunk.length}`),
		);
		if (!answer.ok) {
			if (isAuthError(answer.error)) throw answer.error;
			for (const id of chunk) results.set(id, asApiError(answer.error).message);
			continue;
		}
		const reply = answer.value;
		const succeeded = new Set(reply.status.successEntities.map((entity) => String(entity.id)));
		chunk.forEach((id, position) => {
			if (reply.status.isSuccess || succeeded.has(id)) {
				results.set(id, '');
				return;
			}
			const own = reply.status.errors.filter((error) => error.dIndex === position);
			results.set(id, failureMessage(own.length > 0 ? own : reply.status.errors, reply.status.msgCode));
		});
	}
	return results;
}

/** Submit, then Audit: back to audited (C) from D. Returns the failure text per id ('' = audited again). */
export async function reAudit(session: KingdeeSession, formId: string, ids: string[]): Promise<Map<string, string>> {
	const submitted = await changeState(session, 'DynamicFormService.Submit', formId, ids);
	const toAudit = ids.filter((id) => submitted.get(id) === '');
	const audited =
		toAudit.length > 0
			? await changeState(session, 'DynamicFormService.Audit', formId, toAudit)
			: new Map<string, string>();
	return new Map(
		ids.map((id) => [
			id,
			submitted.get(id)
				? `Submit failed: ${submitted.get(id)}`
				: audited.get(id)
					? `Audit failed: ${audited.get(id)}`
					: '',
		]),
	);
}

// ---------------------------------------------------------------------------------------------------------------
// The pipeline

const STOP = Symbol('stop after the first package that was not saved');

function plannedFields(item: PlannedPackage): Planned {
	return { action: item.action, changes: item.changes, unverifiable: item.unverifiable };
}

/**
 * Saves `models` (in input order) through the pool; one outcome per model. Outcomes are undefined only
 * for packages never sent because `stopAtFirstFailure` stopped the run. Throws only for errors that
 * are not about the data (wrong credentials, a lookup that cannot run) — after re-auditing what it
 * un-audited.
 */
export async function runBatchSave(
	pool: KingdeeSessionPool,
	inputModels: Array<Record<string, unknown>>,
	settings: BatchSaveSettings,
	/** How messages name another input (the node passes n8n's item index). */
	itemLabel: (position: number) => string = (position) => `input position ${position}`,
): Promise<Array<PackageOutcome | undefined>> {
	const models = inputModels.map((model) => ({ ...model }));
	const numbers = models.map((model) => packageNumber(model, settings.numberField));
	const outcomes: Array<PackageOutcome | undefined> = new Array(models.length);
	const first = pool.session(0);

	// Two packages with one number: which one is right is unknown, so neither is sent.
	for (const duplicate of findDuplicateNumbers(numbers)) {
		for (const index of duplicate.indices) {
			const others = duplicate.indices.filter((other) => other !== index);
			outcomes[index] = {
				status: 'failed',
				message: `${settings.numberField} "${duplicate.number}" is also given by ${others.map(itemLabel).join(', ')} of this run; none of them was sent. Make the numbers unique (or remove the duplicate rows) and run again`,
				rowErrors: [],
				kind: 'validation',
				number: numbers[index] ?? null,
			};
		}
	}
	const candidates = models.map((_, index) => index).filter((index) => outcomes[index] === undefined);

	// Plan.
	// Read in every mode: without upsert the values are not compared in the plan, but a read-back after an
	// unclear answer must still prove content, not just that the number exists.
	const { keys: readKeys, overLimit } = readKeysForPackages(
		candidates.map((index) => models[index]),
		settings.primaryKeyField,
		settings.numberField,
		3,
	);
	const lookupNumbers = candidates
		.map((index) => numbers[index])
		.filter((number): number is string => number !== undefined);
	const unreadable = new Map<string, string>();
	for (const key of overLimit) unreadable.set(key, 'more fields than one query may read (30 columns); not compared');
	const planFor = (indices: number[], found: LookupResult['found']) =>
		planPackages(
			indices.map((index) => models[index]),
			indices.map((index) => numbers[index]),
			found,
			{
				primaryKeyField: settings.primaryKeyField,
				numberField: settings.numberField,
				upsert: settings.upsertByNumber,
				unreadable,
			},
		).map((plan, position) => ({ ...plan, index: indices[position] }));
	const wouldSend = (plan: PlannedPackage) =>
		!(plan.action === 'unchanged' && settings.skipUnchanged) &&
		!(!settings.upsertByNumber && plan.action === 'create' && plan.existing);

	// The rest of the lookup uses as many sessions as the writes are expected to use, judged by the
	// first 1,000: a re-run with nothing changed stays on one session (one login, one logout).
	const indexOfNumber = new Map(
		candidates.filter((index) => numbers[index] !== undefined).map((index) => [numbers[index]!, index]),
	);
	const runnerForRest = ({ numbers: sample, result }: { numbers: string[]; result: LookupResult }): ChunkRunner => {
		for (const [key, why] of result.unreadable) unreadable.set(key, why);
		if (settings.dryRun) return sequentially(first);
		const sampled = planFor(
			sample.map((number) => indexOfNumber.get(number)!),
			result.found,
		);
		const share = sampled.filter(wouldSend).length / Math.max(1, sampled.length);
		const lanes = Math.min(pool.size, Math.ceil((share * lookupNumbers.length) / Math.max(1, settings.batchSize)));
		return lanes <= 1 ? sequentially(first) : async (inputs, work) => void (await pool.forEach(inputs, work, lanes));
	};
	const lookup = await lookupExisting(first, settings, lookupNumbers, readKeys, runnerForRest);
	for (const [key, why] of lookup.unreadable) unreadable.set(key, why);
	const plans = planFor(candidates, lookup.found);

	const toSend: PlannedPackage[] = [];
	for (const plan of plans) {
		const number = plan.number ?? null;
		if (!settings.upsertByNumber && plan.action === 'create' && plan.existing) {
			// Without upsert Kingdee would refuse it as a duplicate (docs/kingdee-webapi.md#upsert-by-number);
			// say so before sending anything.
			outcomes[plan.index] = {
				status: 'failed',
				message: `${settings.numberField} "${plan.number}" already belongs to record Id ${String(plan.existing.id)}; nothing was sent. Turn on Upsert by Number to update existing records`,
				rowErrors: [],
				kind: 'validation',
				number,
			};
		} else if (settings.dryRun) {
			outcomes[plan.index] = { status: 'planned', id: plan.existing?.id ?? null, number, ...plannedFields(plan) };
		} else if (plan.action === 'unchanged' && settings.skipUnchanged) {
			outcomes[plan.index] = { status: 'unchanged', id: plan.existing!.id, number };
		} else {
			toSend.push(plan.action === 'unchanged' ? { ...plan, action: 'update' } : plan);
		}
	}
	if (settings.dryRun || toSend.length === 0) return outcomes;

	// Un-audit the audited records that change. An unclear answer is settled by reading the status back.
	const unAudited = new Map<number, PlannedPackage>();
	const audited = toSend.filter((plan) => plan.action === 'update' && plan.existing?.documentStatus === 'C');
	if (audited.length > 0) {
		const results = await changeState(
			first,
			'DynamicFormService.UnAudit',
			settings.formId,
			audited.map((plan) => String(plan.existing!.id)),
		);
		const unclear = audited.filter((plan) => results.get(String(plan.existing!.id)) !== '');
		const statuses =
			unclear.length > 0 ? await readStatuses(first, settings, unclear) : new Map<number, string | null>();
		for (const plan of audited) {
			const problem = results.get(String(plan.existing!.id)) ?? '';
			if (problem === '' || (statuses.has(plan.index) && statuses.get(plan.index) !== 'C')) {
				unAudited.set(plan.index, plan);
				continue;
			}
			outcomes[plan.index] = {
				status: 'failed',
				message: `The record (Id ${String(plan.existing!.id)}) is audited and un-auditing it, needed to update it, failed; it is unchanged and still audited: ${problem}`,
				rowErrors: [],
				kind: 'notAllowed',
				number: plan.number ?? null,
			};
		}
	}

	// Send, as a work queue over the sessions.
	const sendable = toSend.filter((plan) => outcomes[plan.index] === undefined);
	const batches: PlannedPackage[][] = [];
	const size = Math.max(1, Math.floor(settings.batchSize));
	for (let start = 0; start < sendable.length; start += size) batches.push(sendable.slice(start, start + size));
	const sending = await settle(
		async () =>
			await pool.forEach(batches, async (batch, session, batchIndex) => {
				const first = batchIndex * size + 1;
				const part = `batch ${batchIndex + 1} (rows ${first}–${first + batch.length - 1})`;
				await saveOneBatch(session, batch, settings, readKeys, unreadable, outcomes, part);
				if (
					settings.stopAtFirstFailure &&
					batch.some((plan) => outcomes[plan.index] && isUnsaved(outcomes[plan.index]!))
				)
					throw STOP;
			}),
	);
	// STOP only ends the sending early; any other error is thrown once the re-audit below has run.
	const failure = !sending.ok && sending.error !== STOP ? { error: sending.error } : undefined;

	// Re-audit what this run un-audited and did not save, then report the status Kingdee shows.
	const restore = [...unAudited.values()].filter((plan) => {
		const outcome = outcomes[plan.index];
		return !outcome || !isSaved(outcome);
	});
	if (restore.length > 0) {
		let problems: Map<string, string> | undefined;
		try {
			problems = await reAudit(
				first,
				settings.formId,
				restore.map((plan) => String(plan.existing!.id)),
			);
		} catch (error) {
			problems = new Map(restore.map((plan) => [String(plan.existing!.id), asApiError(error).message]));
		}
		let statuses = new Map<number, string | null>();
		try {
			statuses = await readStatuses(first, settings, restore);
		} catch {
			// Reported below as "status unknown".
		}
		for (const plan of restore) {
			const outcome = outcomes[plan.index];
			if (!outcome || !isUnsaved(outcome)) continue;
			const id = String(plan.existing!.id);
			const status = statuses.get(plan.index);
			const problem = problems.get(id) ?? '';
			outcome.message +=
				status === 'C'
					? `. The record (Id ${id}) had been un-audited for this update and is audited again${outcome.status === 'unknown' ? '; whether it holds the new values is unknown' : ', with its previous values'}`
					: `. The record (Id ${id}) was un-audited for this update and is NOT audited now (status ${status ?? 'unknown'}${problem ? `; auditing it again failed: ${problem}` : ''}); audit it in Kingdee`;
		}
	}
	if (failure) throw failure.error;
	return outcomes;
}

/** send → map → verify → resend (only what a lookup proved not applied), for one batch on one session. */
async function saveOneBatch(
	session: KingdeeSession,
	batch: PlannedPackage[],
	settings: BatchSaveSettings,
	readKeys: string[],
	unreadable: ReadonlyMap<string, string>,
	outcomes: Array<PackageOutcome | undefined>,
	part?: string,
): Promise<void> {
	let pending = batch;
	for (let send = 1; pending.length > 0; send++) {
		const results = await sendBatch(
			session,
			pending,
			settings,
			send > 1 && part ? `${part}, resend ${send - 1}` : part,
		);
		const unclear: Array<{ plan: PlannedPackage; result: Extract<SendResult, { kind: 'unclear' }> }> = [];
		pending.forEach((plan, position) => {
			const result = results[position];
			const number = plan.number ?? null;
			if (result.kind === 'saved') {
				outcomes[plan.index] = {
					status: plan.action === 'create' ? 'created' : 'updated',
					id: result.entity.id ?? plan.existing?.id ?? null,
					number: result.entity.number ?? number,
					verified: false,
					...plannedFields(plan),
				};
			} else if (result.kind === 'failed') {
				outcomes[plan.index] = result.outcome;
			} else {
				unclear.push({ plan, result });
			}
		});
		if (unclear.length === 0) return;
		const verifications = await verifyPackages(
			session,
			unclear.map((entry) => entry.plan),
			settings,
			readKeys,
			unreadable,
			part ? `read-back of ${part}` : undefined,
		);
		const resend: PlannedPackage[] = [];
		unclear.forEach(({ plan, result }, position) => {
			const verification = verifications[position];
			const number = plan.number ?? null;
			const why =
				result.reason === 'noAnswer'
					? `no clear answer from Kingdee (${result.context})`
					: `Kingdee reported neither success nor an error for it${result.context ? ` (the batch reported: ${result.context})` : ''}`;
			if (verification.kind === 'holds') {
				outcomes[plan.index] = {
					status: plan.action === 'create' ? 'created' : 'updated',
					id: verification.id,
					number,
					verified: true,
					...plannedFields(plan),
				};
			} else if (verification.kind === 'notApplied' && result.reason === 'noAnswer' && send < settings.maxSends) {
				resend.push(plan);
			} else if (verification.kind === 'notApplied') {
				outcomes[plan.index] = {
					status: 'failed',
					message: `Not saved: ${why}, and reading it back shows Kingdee does not hold it${result.reason === 'noAnswer' ? ` after ${send} attempt(s)` : ''}`,
					rowErrors: result.rowErrors,
					msgCode: result.msgCode,
					kind: result.reason === 'noAnswer' ? 'transient' : 'server',
					number,
				};
			} else {
				outcomes[plan.index] = {
					status: 'unknown',
					message: `Outcome unknown: ${why}; ${verification.message}. Check in Kingdee before running it again`,
					number,
				};
			}
		});
		pending = resend;
	}
}
