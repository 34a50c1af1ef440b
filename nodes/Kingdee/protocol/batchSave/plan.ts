/**
 * The plan of a Batch Save: duplicate numbers in the input are refused, one lookup reads what Kingdee holds for every
 * number (choosing how many sessions it uses), each package becomes create, update or unchanged (savePlan.ts), and
 * the plan decides which packages are sent. Pure: talks to Kingdee only through the sessions of a pool.
 */
import {
	isAmbiguous,
	lookupExisting,
	pickRecord,
	sequentially,
	useOrgOf,
	type ChunkRunner,
	type LookupResult,
} from '../existingRecords';
import type { FieldKind } from '../formMetadata';
import {
	findDuplicateNumbers,
	hasLooseOnlyChange,
	notAppliedRule,
	numberKey,
	planPackages,
	readKeysForPackages,
	type ExistingRecord,
	type PlannedPackage,
} from '../savePlan';
import type { KingdeeSessionPool } from '../session';
import { entryQueryKeys, withEntryComparison } from './entries';
import {
	ifExistsOf,
	plannedFields,
	statusChangeOf,
	type BatchSaveSettings,
	type Outcomes,
	type ReadBackColumns,
} from './types';

/** The packages of a run, by input position: models (copies) and their numbers. */
export interface RunInput {
	models: Array<Record<string, unknown>>;
	numbers: Array<string | undefined>;
}

/** Fixed columns of every lookup besides the fields read: internal id, number, status. */
const FIXED_LOOKUP_COLUMNS = 3;

/**
 * Two packages with one number: which one is right is unknown, so neither is sent. Fails them in `outcomes` and
 * returns the positions of the rest.
 */
export function refuseDuplicateNumbers(
	{ numbers }: RunInput,
	numberField: string,
	itemLabel: (position: number) => string,
	outcomes: Outcomes,
): number[] {
	for (const duplicate of findDuplicateNumbers(numbers)) {
		for (const index of duplicate.indices) {
			const others = duplicate.indices.filter((other) => other !== index);
			outcomes[index] = {
				status: 'failed',
				message: `${numberField} "${duplicate.number}" is also given by ${others.map(itemLabel).join(', ')} of this run; none of them was sent. Make the numbers unique (or remove the duplicate rows) and run again`,
				rowErrors: [],
				kind: 'validation',
				number: numbers[index] ?? null,
			};
		}
	}
	return numbers.map((_, index) => index).filter((index) => outcomes[index] === undefined);
}

/** Whether a real run would send this package (Dry Run asks the same to choose its sessions). */
function wouldSend(plan: PlannedPackage, settings: BatchSaveSettings): boolean {
	return (
		!(plan.existing && ifExistsOf(settings) === 'skip') &&
		!(plan.action === 'unchanged' && settings.skipUnchanged) &&
		!(!settings.upsertByNumber && plan.action === 'create' && plan.existing)
	);
}

/**
 * Looks up and plans the `candidates`. Reads in every mode: without upsert the values are not compared in the plan,
 * but a read-back after an unclear answer must still prove content, not just that the number exists.
 */
export async function planRun(
	pool: KingdeeSessionPool,
	input: RunInput,
	candidates: number[],
	settings: BatchSaveSettings,
	outcomes: Outcomes,
): Promise<{ plans: PlannedPackage[]; columns: ReadBackColumns }> {
	const { models, numbers } = input;
	const candidateModels = candidates.map((index) => models[index]);
	// Bills: the entry rows' columns too (batchSave/entries.ts), so one query row per entry row comes back.
	const entryKeys = entryQueryKeys(candidateModels);
	const { keys: headKeys, overLimit } = readKeysForPackages(
		candidateModels,
		settings.primaryKeyField,
		settings.numberField,
		FIXED_LOOKUP_COLUMNS + entryKeys.keys.length,
	);
	const readKeys = [...headKeys, ...entryKeys.keys];
	const unreadable = new Map<string, string>();
	const needUpdateFields = settings.saveData.NeedUpDateFields;
	const notApplied = notAppliedRule({
		...settings,
		needUpdateFields: Array.isArray(needUpdateFields) ? needUpdateFields.map(String) : undefined,
	});
	for (const key of [...overLimit, ...entryKeys.overLimit].map((k) => k.toLowerCase()))
		unreadable.set(key, 'more fields than one query may read (30 columns); not compared');
	const planFor = (
		indices: number[],
		found: ReadonlyMap<string, ExistingRecord>,
		fieldKinds?: ReadonlyMap<string, FieldKind>,
	) =>
		planPackages(
			indices.map((index) => models[index]),
			indices.map((index) => numbers[index]),
			found,
			{
				primaryKeyField: settings.primaryKeyField,
				numberField: settings.numberField,
				upsert: settings.upsertByNumber,
				unreadable,
				notApplied,
				fieldKinds,
			},
		).map((plan, position) => withEntryComparison({ ...plan, index: indices[position] }, unreadable));

	const lookupNumbers = candidates
		.map((index) => numbers[index])
		.filter((number): number is string => number !== undefined);
	const indexOfNumber = new Map(
		candidates.filter((index) => numbers[index] !== undefined).map((index) => [numbers[index]!, index]),
	);
	// The rest of the lookup uses as many sessions as the writes are expected to use, judged by the
	// first 1,000: a re-run with nothing changed stays on one session (one login, one logout).
	const runnerForRest = ({ numbers: sample, result }: { numbers: string[]; result: LookupResult }): ChunkRunner => {
		for (const [key, why] of result.unreadable) unreadable.set(key, why);
		const first = pool.session(0);
		if (settings.dryRun) return sequentially(first);
		const sampled = planFor(
			sample.map((number) => indexOfNumber.get(number)!),
			result.found,
		);
		const share = sampled.filter((plan) => wouldSend(plan, settings)).length / Math.max(1, sampled.length);
		const lanes = Math.min(pool.size, Math.ceil((share * lookupNumbers.length) / Math.max(1, settings.batchSize)));
		return lanes <= 1 ? sequentially(first) : async (inputs, work) => void (await pool.forEach(inputs, work, lanes));
	};
	// Skip (create once) needs only whether a number exists; the content is read back only after an unclear answer.
	const lookupKeys = ifExistsOf(settings) === 'skip' ? [] : readKeys;
	const lookup = await lookupExisting(pool.session(0), settings, lookupNumbers, lookupKeys, runnerForRest);
	for (const [key, why] of lookup.unreadable) unreadable.set(key, why);
	const matched = matchRecords(input, candidates, lookup, settings.numberField, outcomes);
	const planned = candidates.filter((index) => outcomes[index] === undefined);
	const plans = planFor(planned, matched);
	// Strictly different but loosely equal ("1.10" vs 1.1): only the field's kind tells whether a save changes it.
	if (!plans.some(hasLooseOnlyChange) || !settings.loadFieldKinds) return { plans, columns: { readKeys, unreadable } };
	const fieldKinds = await settings.loadFieldKinds();
	return { plans: fieldKinds ? planFor(planned, matched, fieldKinds) : plans, columns: { readKeys, unreadable } };
}

/**
 * The record each package means, by number and, for base data, use organisation: an item naming its FUseOrgId matches
 * only that organisation's record; a number held by several organisations and no organisation in the item fails the
 * row, naming them (docs/kingdee-webapi.md#upsert-by-number).
 */
function matchRecords(
	{ models, numbers }: RunInput,
	candidates: number[],
	lookup: LookupResult,
	numberField: string,
	outcomes: Outcomes,
): Map<string, ExistingRecord> {
	const matched = new Map<string, ExistingRecord>();
	for (const index of candidates) {
		const number = numbers[index];
		if (number === undefined) continue;
		const match = pickRecord(lookup.all.get(numberKey(number)), { useOrg: useOrgOf(models[index]) });
		if (isAmbiguous(match)) {
			outcomes[index] = {
				status: 'failed',
				message: `${numberField} "${number}" exists in several use organisations (${match.useOrgs.join(', ')}); nothing was sent. Name the organisation in FUseOrgId to choose the record`,
				rowErrors: [],
				kind: 'validation',
				number,
			};
		} else if (match) {
			matched.set(numberKey(number), match);
		}
	}
	return matched;
}

/** What the packages of a run need: a save, or (values equal, status not audited) only Submit/Audit. */
export interface WorkToDo {
	toSave: PlannedPackage[];
	toAudit: PlannedPackage[];
}

/**
 * Settles what needs no write (existing with If Exists: Skip, refused without upsert, planned in a Dry Run, unchanged
 * and skipped) in `outcomes` and returns the rest. An unchanged package that is sent anyway is sent as an update; one
 * that is skipped but whose record is not audited while Auto Submit and Audit is on is audited (status is part of the
 * plan).
 */
export function packagesToSend(plans: PlannedPackage[], settings: BatchSaveSettings, outcomes: Outcomes): WorkToDo {
	const work: WorkToDo = { toSave: [], toAudit: [] };
	for (const plan of plans) {
		const number = plan.number ?? null;
		const skipped = plan.action === 'unchanged' && settings.skipUnchanged;
		const auditOnly = skipped && statusChangeOf(plan, settings) !== undefined;
		if (plan.existing && ifExistsOf(settings) === 'skip') {
			// Create once: an existing bill is never sent again, not even un-audited or audited
			// (docs/kingdee-webapi.md#entry-rows).
			outcomes[plan.index] = { status: 'exists', id: plan.existing.id, number: plan.existing.number };
		} else if (!settings.upsertByNumber && plan.action === 'create' && plan.existing) {
			// Without upsert Kingdee would refuse it as a duplicate (docs/kingdee-webapi.md#upsert-by-number);
			// say so before sending anything.
			outcomes[plan.index] = {
				status: 'failed',
				message: `${settings.numberField} "${plan.number}" already belongs to record Id ${String(plan.existing.id)}; nothing was sent. Set If Exists to Update to update existing records, or to Skip to leave them as they are`,
				rowErrors: [],
				kind: 'validation',
				number,
			};
		} else if (settings.dryRun) {
			const fields = plannedFields(plan, settings);
			outcomes[plan.index] = {
				status: 'planned',
				id: plan.existing?.id ?? null,
				number,
				...fields,
				action: auditOnly ? 'audit' : fields.action,
			};
		} else if (auditOnly) {
			work.toAudit.push(plan);
		} else if (skipped) {
			outcomes[plan.index] = { status: 'unchanged', id: plan.existing!.id, number };
		} else {
			work.toSave.push(plan.action === 'unchanged' ? { ...plan, action: 'update' } : plan);
		}
	}
	return work;
}
