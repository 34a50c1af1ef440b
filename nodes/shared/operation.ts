/**
 * One operation pattern for both nodes (ARCHITECTURE.md#how-to-add-an-operation): each operation is one definition
 * with its place in the node's lists, its parameters, a typed `readParameters` that validates once, and `execute`.
 * n8n adapter layer: may import n8n-workflow and nodes/common; protocol/ and common/ never import it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** An entry of a resource's Operation list. */
export interface OperationOption {
	name: string;
	value: string;
	action: string;
	description: string;
}

interface OperationDefinitionBase {
	resource: string;
	option: OperationOption;
	/** The operation's own parameters; the registry adds the display options that show them for this operation. */
	properties: INodeProperties[];
}

/**
 * Runs once per input item. `readParameters` reads and checks the item's parameters before any request is sent (a
 * NodeOperationError naming item, field and fix); `execute` does the calls on the lane the run hands it (the Jikeyun
 * client, a Kingdee session) and returns one plain object per output item: pairing and error items are the runner's.
 */
export interface PerItemDefinition<Run, Lane, Parameters> extends OperationDefinitionBase {
	/** Names the operation in item error messages ("Item 3: View failed — …"). */
	label: string;
	readParameters: (context: IExecuteFunctions, itemIndex: number) => Parameters;
	execute: (
		context: IExecuteFunctions,
		parameters: Parameters,
		lane: Lane,
		run: Run,
		itemIndex: number,
	) => Promise<IDataObject[]>;
}

/**
 * Runs once for all items (Kingdee Batch Save groups items into batches). `readParameters` reads the run-wide
 * settings from item 0; `execute` returns one output or error item (see errors.ts) per input item.
 */
export interface BatchDefinition<Run, Parameters> extends OperationDefinitionBase {
	readParameters: (context: IExecuteFunctions, itemIndex: number) => Parameters;
	execute: (
		context: IExecuteFunctions,
		parameters: Parameters,
		items: INodeExecutionData[],
		run: Run,
	) => Promise<INodeExecutionData[]>;
}

/** An item's work, its parameters already read: what the runner schedules on a lane. */
export type PreparedCall<Run, Lane> = (lane: Lane, run: Run) => Promise<IDataObject[]>;

/** A definition with its parameter type hidden, so one registry can list operations with different parameters. */
export type Operation<Run, Lane> = OperationDefinitionBase &
	(
		| {
				mode: 'perItem';
				label: string;
				prepare: (context: IExecuteFunctions, itemIndex: number) => PreparedCall<Run, Lane>;
		  }
		| {
				mode: 'batch';
				executeAll: (
					context: IExecuteFunctions,
					items: INodeExecutionData[],
					run: Run,
				) => Promise<INodeExecutionData[]>;
		  }
	);

export function perItemOperation<Run, Lane, Parameters>(
	definition: PerItemDefinition<Run, Lane, Parameters>,
): Operation<Run, Lane> {
	const { resource, option, properties, label } = definition;
	return {
		resource,
		option,
		properties,
		label,
		mode: 'perItem',
		prepare: (context, itemIndex) => {
			const parameters = definition.readParameters(context, itemIndex);
			return async (lane, run) => await definition.execute(context, parameters, lane, run, itemIndex);
		},
	};
}

export function batchOperation<Run, Lane, Parameters>(
	definition: BatchDefinition<Run, Parameters>,
): Operation<Run, Lane> {
	const { resource, option, properties } = definition;
	return {
		resource,
		option,
		properties,
		mode: 'batch',
		executeAll: async (context, items, run) =>
			await definition.execute(context, definition.readParameters(context, 0), items, run),
	};
}
