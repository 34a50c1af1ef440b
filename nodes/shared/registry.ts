/**
 * A node's Resource and Operation lists and its parameters, generated from its operation registry
 * (ARCHITECTURE.md#how-to-add-an-operation): adding an operation is one file plus one line in actions/registry.ts.
 */
import {
	updateDisplayOptions,
	type IDisplayOptions,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import type { Operation } from './operation';

export interface ResourceOption {
	name: string;
	value: string;
	description: string;
}

/** Where an operation's parameters show: n8n's display options for that resource and operation. */
export type DisplayFor = (resource: string, operation: string) => IDisplayOptions;

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * The *Operation* property of each resource: options alphabetical, as n8n's lint asks; preselected is the resource's
 * first operation in the registry.
 */
export function operationLists<Run, Lane>(
	resources: ResourceOption[],
	operations: Array<Operation<Run, Lane>>,
): INodeProperties[] {
	return resources.map((resource): INodeProperties => {
		const ofResource = operations.filter((operation) => operation.resource === resource.value);
		const defaultOperation = ofResource[0]?.option.value ?? '';
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: ofResource.map((operation): INodePropertyOptions => ({ ...operation.option })).sort(byName),
			default: defaultOperation,
		};
	});
}

/** Every operation's parameters, shown for that operation only: `displayFor` applied through updateDisplayOptions. */
export function operationParameters<Run, Lane>(
	operations: Array<Operation<Run, Lane>>,
	displayFor: DisplayFor,
): INodeProperties[] {
	return operations.flatMap((operation) =>
		updateDisplayOptions(displayFor(operation.resource, operation.option.value), operation.properties),
	);
}

/** The *Resource* property (options alphabetical). */
export function resourceProperty(resources: ResourceOption[], defaultResource: string): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map(({ name, value, description }) => ({ name, value, description })).sort(byName),
		default: defaultResource,
	};
}

/** The registered operation with this value (values are unique within a node), or undefined. */
export function findOperation<Run, Lane>(
	operations: Array<Operation<Run, Lane>>,
	resource: string | undefined,
	operation: string,
): Operation<Run, Lane> | undefined {
	return operations.find(
		(entry) => entry.option.value === operation && (resource === undefined || entry.resource === resource),
	);
}
