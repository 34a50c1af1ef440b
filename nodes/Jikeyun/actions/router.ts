import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	NodeOperationError,
} from 'n8n-workflow';
import { toJikeyunNodeError } from './errors';
import type { JikeyunClient } from '../protocol/client';
import { startJikeyunRun } from '../transport';
import * as api from './api';
import { readCallOptions } from './common.description';
import * as salesChannel from './salesChannel';

type Operation = (this: IExecuteFunctions, itemIndex: number, client: JikeyunClient) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
	salesChannel: { getAll: salesChannel.getAll.execute },
	api: { callMethod: api.callMethod.execute },
};

/** Runs the chosen operation once per input item; one client (and so one rate limit) for the whole run. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	}
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const includeCallReport = options.includeCallReport === true;
	const run = await startJikeyunRun(this, readCallOptions(options), { keepCalls: includeCallReport });
	const returnData: INodeExecutionData[] = [];
	try {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				if (run.credentialProblem) throw run.credentialProblem;
				returnData.push(...(await operation.call(this, itemIndex, run.client)));
			} catch (error) {
				const nodeError = toJikeyunNodeError(this.getNode(), error, itemIndex);
				if (!this.continueOnFail()) throw nodeError;
				returnData.push({
					json: { error: nodeError.message, details: { description: nodeError.description ?? null } },
					pairedItem: { item: itemIndex },
				});
			}
		}
	} finally {
		this.addExecutionHints({ message: run.report.summaryLine('Jikeyun'), location: 'outputPane' });
	}
	if (includeCallReport) {
		const { calls, omitted } = run.report.calls();
		returnData.push({
			json: { callReport: { summary: run.report.summary(), calls, omitted } } as unknown as IDataObject,
			pairedItem: items.map((_, item) => ({ item })),
		});
	}
	return [returnData];
}
