/**
 * Every Jikeyun operation, and the run they share (ARCHITECTURE.md#how-to-add-an-operation). The node's Resource and
 * Operation lists and its router are generated from here: a new operation is its file plus one line in OPERATIONS.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ResourceOption } from '../../shared/registry';
import type { Lanes, NodeRun, NodeRunner } from '../../shared/runner';
import type { JikeyunClient } from '../protocol/client';
import { startJikeyunRun } from '../transport';
import { callMethod } from './api/callMethod.operation';
import { readTransportOptions } from './descriptions';
import { jikeyunFailure } from './errors';
import { getAll } from './salesChannel/getAll.operation';
import { getAll as getManySalesOrders } from './salesOrder/getAll.operation';
import type { JikeyunOperation, JikeyunRun } from './run';

export const RESOURCES: ResourceOption[] = [
	{ name: 'API', value: 'api', description: 'Call any Open API method' },
	{ name: 'Sales Channel (Shop)', value: 'salesChannel', description: 'Sales channels / shops (销售渠道)' },
	{ name: 'Sales Order', value: 'salesOrder', description: 'Sales orders with their lines (销售单)' },
];

/** The first operation of a resource is the one preselected for it. */
export const OPERATIONS: JikeyunOperation[] = [getAll, getManySalesOrders, callMethod];

/**
 * One client (and so one rate limit and circuit breaker) for the whole execution; items are worked one after another
 * on it. A credential that cannot work fails every item before any request.
 */
async function start(
	context: IExecuteFunctions,
	{ keepCalls }: { keepCalls: boolean },
): Promise<NodeRun<JikeyunRun, JikeyunClient>> {
	const node = context.getNode();
	const run = await startJikeyunRun(context, readTransportOptions(context), { keepCalls });
	const { client, report, credentialProblem } = run;
	const lanes: Lanes<JikeyunRun, JikeyunClient> = {
		run: { client, report },
		async forEach(entries, work) {
			for (const entry of entries) await work(entry, client);
		},
	};
	return {
		started: credentialProblem === undefined ? lanes : { credentialProblem },
		mapFailure: (error, itemIndex, label, phase) => jikeyunFailure(node, error, itemIndex, label, phase),
		report,
		close: async () => {},
	};
}

export const jikeyunRunner: NodeRunner<JikeyunRun, JikeyunClient> = {
	service: 'Jikeyun',
	operations: OPERATIONS,
	dispatchByResource: true,
	start,
};
