import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { CallReport, type CallRecord } from '../../common/callReport';
import { fetchFormMetadata, FormMetadataCache } from '../protocol/formMetadata';
import { createKingdeeSessionPool, KingdeeCredentialProblem } from '../transport';
import { readTransportOptions, type KingdeeOperation } from '../helpers/descriptions';
import { errorItem, toNodeError } from '../helpers/errors';
import type { KingdeeOperationExecute } from '../helpers/run';
import * as allocate from './allocate.operation';
import * as audit from './audit.operation';
import * as batchSave from './batchSave.operation';
import * as deleteOperation from './delete.operation';
import * as describeForm from './describeForm.operation';
import * as executeOperation from './executeOperation.operation';
import * as query from './query.operation';
import * as save from './save.operation';
import * as submit from './submit.operation';
import * as unAudit from './unAudit.operation';
import * as view from './view.operation';

const OPERATIONS: Record<KingdeeOperation, KingdeeOperationExecute> = {
	batchSave: batchSave.execute,
	save: save.execute,
	query: query.execute,
	view: view.execute,
	submit: submit.execute,
	audit: audit.execute,
	unAudit: unAudit.execute,
	delete: deleteOperation.execute,
	allocate: allocate.execute,
	executeOperation: executeOperation.execute,
	describeForm: describeForm.execute,
};

/** One debug log line per call; every text in it was redacted by the session layer. */
function callLogLine(entry: CallRecord): string {
	const parts = [
		`Kingdee ${entry.call}${entry.part ? ` (${entry.part})` : ''}`,
		`attempt ${entry.attempt}`,
		entry.outcome,
		entry.httpStatus !== undefined ? `HTTP ${entry.httpStatus}` : '',
		entry.code !== undefined ? `code ${entry.code}` : '',
		entry.relogin ? 're-login' : '',
		`${entry.durationMs} ms`,
		entry.detail ?? '',
	];
	return parts.filter(Boolean).join(' · ');
}

/**
 * Runs the chosen operation with one session pool (and one circuit breaker) for the whole execution, logs the
 * sessions out at the end (Kingdee asks integrators not to leave server contexts behind), and reports the calls:
 * a summary as an execution hint, each call at debug level, and with "Include Call Report" the full list as one
 * extra item at the end.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const operation = this.getNodeParameter('operation', 0) as KingdeeOperation;
	const execute = OPERATIONS[operation];
	if (!execute) {
		throw new NodeOperationError(node, `The operation "${operation}" is not supported`);
	}
	const continueOnFail = this.continueOnFail();
	const includeCallReport = (this.getNodeParameter('options', 0, {}) as IDataObject).includeCallReport === true;
	const report = new CallReport({
		keepCalls: includeCallReport,
		onCall: (entry) => this.logger.debug(callLogLine(entry)),
	});
	let pool: Awaited<ReturnType<typeof createKingdeeSessionPool>>['pool'] | undefined;
	let output: INodeExecutionData[] = [];
	let failure: Error | undefined;
	try {
		const created = await createKingdeeSessionPool(this, readTransportOptions(this), report);
		pool = created.pool;
		const sessions = pool;
		const metadata = new FormMetadataCache(async (formId) => await fetchFormMetadata(sessions.session(0), formId, created.lcid));
		output = await execute.call(this, items, { pool, continueOnFail, formMetadata: async (formId) => await metadata.get(formId) });
	} catch (error) {
		if (error instanceof KingdeeCredentialProblem) {
			// Nothing can be sent with this credential: every item says so (or the node stops at item 0).
			const message = (itemIndex: number) => `Item ${itemIndex}: not sent: ${error.message}`;
			if (continueOnFail) {
				output = items.map((_, itemIndex) => errorItem(itemIndex, message(itemIndex), { field: 'credential', kind: 'credential' }));
			} else {
				failure = new NodeOperationError(node, message(0), {
					itemIndex: 0,
					description: 'Open the Kingdee credential of this node and fill in the named field; no request was sent.',
				});
			}
		} else {
			failure = toNodeError(node, error);
		}
	} finally {
		await pool?.close();
		if (report.summary().calls > 0) this.addExecutionHints({ message: report.summaryLine('Kingdee'), location: 'outputPane' });
	}
	if (failure) throw failure;
	if (includeCallReport) {
		const { calls, omitted } = report.calls();
		output.push({
			json: { callReport: { summary: report.summary(), calls, omitted } } as unknown as IDataObject,
			pairedItem: items.map((_, item) => ({ item })),
		});
	}
	return [output];
}
