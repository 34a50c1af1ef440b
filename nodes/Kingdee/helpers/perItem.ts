import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { KingdeeSession } from '../protocol/session';
import { describeCallFailure, errorItem, nodeApiError } from './errors';
import type { KingdeeRun } from './run';

class ItemFailure {
	constructor(
		readonly itemIndex: number,
		readonly error: unknown,
	) {}
}

/**
 * Runs one Kingdee call (or a few) per input item, spread over the session pool. All parameters
 * are read and checked by `prepare` before the first request. Each result object becomes an output
 * item paired with its input; a failure becomes an error-output item (continue on fail) or stops
 * the node with the item index in the message.
 */
export async function runPerItem<T>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
	what: string,
	prepare: (itemIndex: number) => T,
	work: (prepared: T, session: KingdeeSession, itemIndex: number) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	const prepared: Array<{ itemIndex: number; value: T }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let value: { v: T } | undefined;
		let failure: unknown;
		try {
			value = { v: prepare(itemIndex) };
		} catch (error) {
			failure = error;
		}
		if (value) {
			prepared.push({ itemIndex, value: value.v });
			continue;
		}
		if (!run.continueOnFail) {
			if (failure instanceof NodeOperationError || failure instanceof NodeApiError) throw failure;
			throw new NodeOperationError(node, failure instanceof Error ? failure.message : String(failure), { itemIndex });
		}
		const message = failure instanceof Error ? failure.message : String(failure);
		results[itemIndex] = [errorItem(itemIndex, message, { field: '', msgCode: null, kind: 'input' })];
	}

	let stopped: ItemFailure | undefined;
	let poolFailure: unknown;
	try {
		await run.pool.forEach(prepared, async (entry, session) => {
			let output: IDataObject[] | undefined;
			let failure: unknown;
			try {
				output = await work(entry.value, session, entry.itemIndex);
			} catch (error) {
				failure = error;
			}
			if (output) {
				results[entry.itemIndex] = output.map((json) => ({ json, pairedItem: { item: entry.itemIndex } }));
				return;
			}
			if (!run.continueOnFail) throw new ItemFailure(entry.itemIndex, failure);
			const { message, details } = describeCallFailure(failure, entry.itemIndex, what);
			results[entry.itemIndex] = [errorItem(entry.itemIndex, message, details)];
		});
	} catch (error) {
		if (error instanceof ItemFailure) stopped = error;
		else poolFailure = error;
	}
	if (stopped) {
		if (stopped.error instanceof NodeOperationError || stopped.error instanceof NodeApiError) {
			stopped.error.context.itemIndex = stopped.itemIndex;
			throw stopped.error;
		}
		const { message, details } = describeCallFailure(stopped.error, stopped.itemIndex, what);
		throw nodeApiError(node, message, stopped.itemIndex, details);
	}
	if (poolFailure !== undefined) {
		throw new NodeOperationError(node, poolFailure instanceof Error ? poolFailure.message : String(poolFailure));
	}
	return results.flatMap((entry) => entry ?? []);
}
