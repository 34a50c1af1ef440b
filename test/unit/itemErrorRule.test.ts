import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { wholeNumberProblem } from '../../nodes/common/wholeNumber';
import { OPERATIONS as JIKEYUN_OPERATIONS } from '../../nodes/Jikeyun/actions/registry';
import { OPERATIONS as KINGDEE_OPERATIONS } from '../../nodes/Kingdee/actions/registry';
import type { Operation } from '../../nodes/shared/operation';

/**
 * The "Item N" rule (nodes/shared/input.ts, ARCHITECTURE.md#error-items): every input error of both nodes says
 * "Item N: <what is wrong>: <what to do>" in its message, carries the item index, and no description repeats the item.
 * Each case runs an operation's real parameter reading on item 2 with one bad parameter.
 */
const ITEM = 2;
const node: INode = {
	id: 'test',
	name: 'Test',
	type: 'test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function contextWith(parameters: IDataObject): IExecuteFunctions {
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
}

function thrownBy(operations: Array<Operation<unknown, unknown>>, value: string, parameters: IDataObject): unknown {
	const operation = operations.find((entry) => entry.option.value === value);
	if (!operation || operation.mode !== 'perItem') throw new Error(`no per-item operation ${value}`);
	try {
		operation.prepare(contextWith(parameters), ITEM);
	} catch (error) {
		return error;
	}
	throw new Error(`${value} accepted ${JSON.stringify(parameters)}`);
}

const form = { formId: 'BD_Customer' };
const kingdeeCases: Array<[string, IDataObject, RegExp]> = [
	['query', { formId: '' }, /Form ID is missing/],
	['query', { ...form, fieldKeys: '' }, /Field Keys is empty/],
	['query', { ...form, fieldKeys: 'FNumber', limit: 0 }, /Limit must be a whole number of at least 1, got 0/],
	['query', { ...form, fieldKeys: 'FNumber', options: { pageSize: 2.5 } }, /Page Size must be a whole number from 1/],
	['view', { ...form, numbers: ' ' }, /Number is empty/],
	['view', { ...form, selectBy: 'id', ids: '' }, /Internal ID is empty/],
	['delete', { ...form, numbers: '' }, /no numbers given/],
	['submit', { ...form, numbers: 'C1', additionalData: '[1]' }, /"additionalData" must be a JSON object/],
	['executeOperation', { ...form, numbers: 'C1', opNumber: '' }, /Operation Number is empty/],
	['allocate', { ...form, pkIds: '1', targetOrgIds: '' }, /Allocate needs internal IDs and target organisation IDs/],
];
const jikeyunCases: Array<[string, IDataObject, RegExp]> = [
	['callMethod', { method: 'nomethod' }, /is not a Jikeyun method name/],
	['callMethod', { method: 'erp.a.get', paginate: true, pageSize: 0 }, /Page Size must be a whole number/],
	['callMethod', { method: 'erp.a.get', paginate: true, returnAll: false, limit: -1 }, /Limit must be/],
	[
		'callMethod',
		{ method: 'erp.a.get', paginate: true, paginationStyle: 'cursor', cursorParameter: ' ' },
		/"Cursor Parameter" is empty/,
	],
	['getAll', { returnAll: true, 'options.pageSize': 201 }, /Page Size must be a whole number from 1 to 200/],
	['getAll', { returnAll: false, limit: 0 }, /Limit must be/],
	['getAll', { returnAll: true, filters: { gmtModifiedStart: 'soon' } }, /is not a date-time/],
];

describe('"Item N: problem: fix" in every input error', () => {
	const cases = [
		...kingdeeCases.map(
			([value, parameters, says]) => ['Kingdee', value, parameters, KINGDEE_OPERATIONS, says] as const,
		),
		...jikeyunCases.map(
			([value, parameters, says]) => ['Jikeyun', value, parameters, JIKEYUN_OPERATIONS, says] as const,
		),
	];
	it.each(cases)('%s %s %j', (_node, value, parameters, operations, says) => {
		const error = thrownBy(operations as Array<Operation<unknown, unknown>>, value, parameters);
		expect(error).toBeInstanceOf(NodeOperationError);
		const { message, description, context } = error as NodeOperationError;
		expect(message).toMatch(says);
		expect(message).toMatch(new RegExp(`^Item ${ITEM}: [^:]+.*: [a-z]`));
		expect(context.itemIndex).toBe(ITEM);
		expect(String(description ?? '')).not.toMatch(/\bItem \d/);
	});
});

describe('wholeNumberProblem, the one wording of whole-number settings', () => {
	it.each([
		[5, { min: 1, max: 10 }, undefined],
		['7', { min: 1 }, undefined],
		[0, { min: 1 }, 'Page Size must be a whole number of at least 1, got 0'],
		[2.5, { min: 1, max: 10 }, 'Page Size must be a whole number from 1 to 10, got 2.5'],
		[11, { min: 1, max: 10 }, 'Page Size must be a whole number from 1 to 10, got 11'],
		['', { min: 0 }, 'Page Size must be a whole number of at least 0, got '],
		[null, { min: 0 }, 'Page Size must be a whole number of at least 0, got null'],
		['ten', { min: 1 }, 'Page Size must be a whole number of at least 1, got ten'],
	])('%j in %j', (value, range, problem) => {
		expect(wholeNumberProblem('Page Size', value, range)).toBe(problem);
	});
});
