/**
 * Change-aware Batch Save, the driver of a pipeline whose steps live in ./batchSave/ (ARCHITECTURE.md, "Kingdee
 * Batch Save"): plan → per batch un-audit → send → map → verify → re-audit → audit what needs only that. Every
 * package ends with a status Kingdee has shown to be true, or `unknown` with what was found. Pure: talks to Kingdee
 * only through KingdeeSessions of a pool.
 */
import { auditHeld } from './batchSave/auditCycle';
import { saveInBatches } from './batchSave/batches';
import { packagesToSend, planRun, refuseDuplicateNumbers, type RunInput } from './batchSave/plan';
import { isUnsaved, type BatchSaveSettings, type Outcomes } from './batchSave/types';
import { packageNumber } from './model';
import type { KingdeeSessionPool } from './session';

/**
 * Saves `models` (in input order) through the pool; one outcome per model. Outcomes are undefined only
 * for packages never sent because `stopAtFirstFailure` stopped the run. Throws only for errors that
 * are not about the data (wrong credentials, a lookup that cannot run) — after re-auditing what its
 * batches un-audited.
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
	const { plans, columns } = await planRun(pool, input, candidates, settings, outcomes);
	const { toSave, toAudit } = packagesToSend(plans, settings, outcomes);
	if (settings.dryRun) return outcomes;
	await saveInBatches(pool, toSave, settings, columns, outcomes);
	if (settings.stopAtFirstFailure && outcomes.some((outcome) => outcome && isUnsaved(outcome))) return outcomes;
	await auditHeld(pool.session(0), toAudit, settings, outcomes);
	return outcomes;
}
