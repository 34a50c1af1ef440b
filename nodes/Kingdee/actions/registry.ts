/**
 * Every Kingdee operation, and the run they share (ARCHITECTURE.md#how-to-add-an-operation). The node's Resource and
 * Operation lists and its router are generated from here: a new operation is its file plus one line in OPERATIONS.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { CallReport, describeCall } from '../../common/callReport';
import type { ResourceOption } from '../../shared/registry';
import type { NodeRun, NodeRunner } from '../../shared/runner';
import { fetchFormMetadata, FormMetadataCache } from '../protocol/formMetadata';
import type { KingdeeSession } from '../protocol/session';
import { createKingdeeSessionPool } from '../transport';
import { readTransportOptions } from './descriptions';
import { audit } from './documentStatus/audit.operation';
import { submit } from './documentStatus/submit.operation';
import { unAudit } from './documentStatus/unAudit.operation';
import { kingdeeFailure } from './errors';
import { describeForm } from './form/describeForm.operation';
import { allocate } from './record/allocate.operation';
import { batchSave } from './record/batchSave.operation';
import { deleteRecords } from './record/delete.operation';
import { executeOperation } from './record/executeOperation.operation';
import { query } from './record/query.operation';
import { save } from './record/save.operation';
import { view } from './record/view.operation';
import type { KingdeeOperation, KingdeeRun } from './run';

export const RESOURCES: ResourceOption[] = [
	{ name: 'Document Status', value: 'documentStatus', description: 'Submit, audit or unaudit records (单据状态)' },
	{
		name: 'Form',
		value: 'form',
		description: 'The form (business object) itself: its fields from the Kingdee metadata',
	},
	{ name: 'Record', value: 'record', description: 'Records of a form: save, read, delete, allocate' },
];

/**
 * The first operation of a resource is the one preselected for it. Values are unique across resources: the router
 * dispatches on the operation alone, since workflows from before resources existed have no `resource`.
 */
export const OPERATIONS: KingdeeOperation[] = [
	batchSave,
	save,
	query,
	view,
	deleteRecords,
	allocate,
	executeOperation,
	submit,
	audit,
	unAudit,
	describeForm,
];

/**
 * One session pool (and one circuit breaker) for the whole execution, its sessions logged out at the end (Kingdee
 * asks integrators not to leave server contexts behind); items are shared out over the sessions. A credential that
 * cannot work fails every item ("not sent: …") before any request.
 */
async function start(
	context: IExecuteFunctions,
	{ keepCalls }: { keepCalls: boolean },
): Promise<NodeRun<KingdeeRun, KingdeeSession>> {
	const node = context.getNode();
	const report = new CallReport({ keepCalls, onCall: (entry) => context.logger.debug(describeCall(entry)) });
	const continueOnFail = context.continueOnFail();
	const mapFailure: NodeRun<KingdeeRun, KingdeeSession>['mapFailure'] = (error, itemIndex, label, phase) =>
		kingdeeFailure(node, error, itemIndex, label, phase);
	const created = await createKingdeeSessionPool(context, readTransportOptions(context), report);
	if (created.credentialProblem !== undefined) {
		const { credentialProblem } = created;
		return { started: { credentialProblem }, mapFailure, report, close: async () => {} };
	}
	const { pool, lcid } = created;
	const metadata = new FormMetadataCache(async (formId) => await fetchFormMetadata(pool.session(0), formId, lcid));
	return {
		started: {
			run: { pool, continueOnFail, formMetadata: async (formId) => await metadata.get(formId) },
			async forEach(entries, work) {
				await pool.forEach(entries, async (entry, session) => await work(entry, session));
			},
		},
		mapFailure,
		report,
		close: async () => await pool.close(),
	};
}

export const kingdeeRunner: NodeRunner<KingdeeRun, KingdeeSession> = {
	service: 'Kingdee',
	operations: OPERATIONS,
	dispatchByResource: false,
	start,
};
