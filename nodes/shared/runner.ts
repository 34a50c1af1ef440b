/**
 * The one runner of both nodes' operations (ARCHITECTURE.md#how-to-add-an-operation). The node plugs in its run: the
 * lanes items are worked on (Jikeyun: its one client, item after item; Kingdee: the session pool), its failure mapper
 * and its cleanup. The runner reads every item's parameters before the first request, runs the operation, turns
 * failures into error items (continue on fail) or the node's error with the item index, reports the calls, and pairs
 * every output item with its input.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { CallReport } from '../common/callReport';
import { credentialFailure, errorItem, type FailureMapper, type ItemFailure } from './errors';
import type { Operation, PreparedCall } from './operation';
import { findOperation } from './registry';
import { readRunOptions } from './runOptions';

/** A run that can send: what the operations get, and the lanes items are worked on. */
export interface Lanes<Run, Lane> {
	/** Handed to every operation (the Jikeyun client, the Kingdee pool and form-metadata cache). */
	run: Run;
	/** Works through `entries` on the run's lanes; stops at (and throws) the first error `work` throws. */
	forEach: <T>(entries: T[], work: (entry: T, lane: Lane) => Promise<void>) => Promise<void>;
}

/** A run whose credential cannot work (the transport's `credentialProblem`): every item fails, nothing is sent. */
interface CredentialProblem {
	credentialProblem: string;
}

/** What a node's run gives the runner; made once per execution by the node's `start`. */
export interface NodeRun<Run, Lane> {
	started: Lanes<Run, Lane> | CredentialProblem;
	mapFailure: FailureMapper;
	report: CallReport;
	/** Cleanup at the end of the execution, whatever happened (Kingdee logs its sessions out). */
	close: () => Promise<void>;
}

export interface NodeRunner<Run, Lane> {
	/** Names the node in the execution hint ("Kingdee: 3 API calls …"). */
	service: string;
	operations: Array<Operation<Run, Lane>>;
	/** Whether the node has a Resource parameter to choose the operation by (Kingdee's values are unique without it). */
	dispatchByResource: boolean;
	start: (context: IExecuteFunctions, options: { keepCalls: boolean }) => Promise<NodeRun<Run, Lane>>;
}

async function runPerItem<Run, Lane>(
	context: IExecuteFunctions,
	operation: Extract<Operation<Run, Lane>, { mode: 'perItem' }>,
	items: INodeExecutionData[],
	lanes: Lanes<Run, Lane>,
	mapFailure: FailureMapper,
): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	const results: INodeExecutionData[][] = items.map(() => []);
	const fail = (itemIndex: number, failure: ItemFailure) => {
		if (!continueOnFail) throw failure.error;
		results[itemIndex] = [errorItem(itemIndex, failure)];
	};
	const ready: Array<{ itemIndex: number; call: PreparedCall<Run, Lane> }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			ready.push({ itemIndex, call: operation.prepare(context, itemIndex) });
		} catch (error) {
			fail(itemIndex, mapFailure(error, itemIndex, operation.label, 'input'));
		}
	}
	await lanes.forEach(ready, async ({ itemIndex, call }, lane) => {
		try {
			const output = await call(lane, lanes.run);
			results[itemIndex] = output.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			fail(itemIndex, mapFailure(error, itemIndex, operation.label, 'call'));
		}
	});
	return results.flat();
}

/** Nothing can be sent: every item's error item, or (without continue on fail) the node stops at item 0. */
function failEveryItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	service: string,
	{ credentialProblem }: CredentialProblem,
) {
	const failure = (itemIndex: number) => credentialFailure(context.getNode(), credentialProblem, service, itemIndex);
	if (!context.continueOnFail()) throw failure(0).error;
	return items.map((_, itemIndex) => errorItem(itemIndex, failure(itemIndex)));
}

/** The node's execute(): the chosen operation over all input items, with one run (client or session pool). */
export async function runOperation<Run, Lane>(
	context: IExecuteFunctions,
	runner: NodeRunner<Run, Lane>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const resource = runner.dispatchByResource ? (context.getNodeParameter('resource', 0) as string) : undefined;
	const operationName = context.getNodeParameter('operation', 0) as string;
	const operation = findOperation(runner.operations, resource, operationName);
	if (!operation) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operationName}"${resource ? ` of "${resource}"` : ''} is not supported`,
		);
	}
	const includeCallReport = readRunOptions(context).includeCallReport === true;
	const nodeRun = await runner.start(context, { keepCalls: includeCallReport });
	let output: INodeExecutionData[];
	try {
		const { started } = nodeRun;
		if ('credentialProblem' in started) output = failEveryItem(context, items, runner.service, started);
		else if (operation.mode === 'perItem')
			output = await runPerItem(context, operation, items, started, nodeRun.mapFailure);
		else output = await operation.executeAll(context, items, started.run);
	} finally {
		await nodeRun.close();
		const { report } = nodeRun;
		if (report.summary().calls > 0)
			context.addExecutionHints({ message: report.summaryLine(runner.service), location: 'outputPane' });
	}
	if (includeCallReport) {
		const { calls, omitted } = nodeRun.report.calls();
		output.push({
			json: { callReport: { summary: nodeRun.report.summary(), calls, omitted } } as unknown as IDataObject,
			pairedItem: items.map((_, item) => ({ item })),
		});
	}
	return [output];
}
