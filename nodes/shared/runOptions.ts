import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

/**
 * The *Options* collection that configures the run, read in one place for both nodes. Transport settings (tries,
 * timeouts, request rate, parallel sessions) and *Include Call Report* belong to the one client or session pool that
 * serves every item of an execution, so they are item 0's (a poll has no items): an expression that differs per item
 * cannot change them in the middle of a run. Options of one item (e.g. *Page Size*) are read by its operation with
 * that item's index.
 */
export function readRunOptions(context: IExecuteFunctions | IPollFunctions): IDataObject {
	if ('getInputData' in context) return context.getNodeParameter('options', 0, {}) as IDataObject;
	return context.getNodeParameter('options', {}) as IDataObject;
}
