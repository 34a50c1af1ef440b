import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { createKingdeeSessionPool } from '../transport';
import { readTransportOptions, type KingdeeOperation } from '../helpers/descriptions';
import { toNodeError } from '../helpers/errors';
import type { KingdeeOperationExecute } from '../helpers/run';
import * as allocate from './allocate.operation';
import * as audit from './audit.operation';
import * as batchSave from './batchSave.operation';
import * as deleteOperation from './delete.operation';
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
};

/**
 * Runs the chosen operation with one session pool for the whole execution, and logs the sessions
 * out at the end (Kingdee asks integrators not to leave server contexts behind).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as KingdeeOperation;
	const execute = OPERATIONS[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	let pool: Awaited<ReturnType<typeof createKingdeeSessionPool>>['pool'] | undefined;
	try {
		pool = (await createKingdeeSessionPool(this, readTransportOptions(this))).pool;
		const output = await execute.call(this, items, { pool, continueOnFail: this.continueOnFail() });
		return [output];
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	} finally {
		await pool?.close();
	}
}
