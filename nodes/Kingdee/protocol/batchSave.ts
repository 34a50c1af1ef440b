/**
 * Change-aware Batch Save, the driver of a pipeline whose steps live in ./batchSave/ (ARCHITECTURE.md, "Kingdee
 * Batch Save"): plan → un-audit → send → map → verify → re-audit. Every package ends with a status Kingdee has shown
 * to be true, or `unknown` with what was found. Pure: talks to Kingdee only through KingdeeSessions of a pool.
 */
import { settle } from '../../common/settle';
import { unAuditForUpdate, reAuditUnsaved } from './batchSave/auditCycle';
import { saveInBatches } from './batchSave/batches';
import { packagesToSend, planRun, refuseDuplicateNumbers, type RunInput } from './batchSave/plan';
import type { BatchSaveSettings, Outcomes } from './batchSave/types';
import { packageNumber } from './model';
import type { KingdeeSessionPool } from './session';

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
): Promise<Outcomes> {
	const models = inputModels.map((model) => ({ ...model }));
	const input: RunInput = { models, numbers: models.map((model) => packageNumber(model, settings.numberField)) };
	const outcomes: Outcomes = new Array(models.length);
	const candidates = refuseDuplicateNumbers(input, settings.numberField, itemLabel, outcomes);
	const { plans, columns } = await planRun(pool, input, candidates, settings);
	const toSend = packagesToSend(plans, settings, outcomes);
	if (settings.dryRun || toSend.length === 0) return outcomes;

	const unAudited = await unAuditForUpdate(pool.session(0), toSend, settings, outcomes);
	const sendable = toSend.filter((plan) => outcomes[plan.index] === undefined);
	const sending = await settle(async () => await saveInBatches(pool, sendable, settings, columns, outcomes));
	// Re-audit before anything is thrown: a record left un-audited must not go unreported.
	await reAuditUnsaved(pool.session(0), unAudited, settings, outcomes);
	if (!sending.ok) throw sending.error;
	return outcomes;
}
