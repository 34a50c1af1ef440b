/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Saved workflows keep loading and meaning the same: the parameters users saved are still parameters of the node for
 * that resource and operation, of the same type, options still among the options, and n8n's own
 * `NodeHelpers.getNodeParameters` loads them without dropping or changing any; the defaults a saved workflow relied on
 * by leaving a parameter unset are still the defaults. New parameters and operations need no change here.
 *
 * The saved sets (fixtures/savedParameters.json) were generated once: for every resource and operation of the node
 * descriptions of commit 42fa223 (before the operation registry; the trigger's from today), the parameters with their
 * defaults, plus one set per setting that shows more parameters (`modelSource`, `selectBy`, `paginate`, `returnAll`,
 * `upsertByNumber`), the first set of each operation with every option of its collections set; `saved` is what n8n
 * writes into the workflow file (`getNodeParameters` without defaults), `defaults` what it filled in, `types` the
 * parameters' types then. The sample workflows (workflows/*.json) are checked the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
	NodeHelpers,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeTypeDescription,
	type NodeParameterValueType,
} from 'n8n-workflow';

import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { JikeyunTrigger } from '../../nodes/Jikeyun/JikeyunTrigger.node';
import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';

const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = 'n8n-nodes-jikeyun-kingdee';

/**
 * n8n-core adds *Poll Times* to every polling node when it loads the package (`commonPollingParameters` in
 * n8n-core's nodes-loader, 2.40.7); saved trigger nodes carry it.
 */
const POLL_TIMES: INodeProperties = {
	displayName: 'Poll Times',
	name: 'pollTimes',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Poll Time' },
	default: { item: [{ mode: 'everyMinute' }] },
	options: NodeHelpers.cronNodeOptions,
};

function withN8nParameters(description: INodeTypeDescription): INodeTypeDescription {
	return description.polling ? { ...description, properties: [POLL_TIMES, ...description.properties] } : description;
}

const DESCRIPTIONS: Record<string, INodeTypeDescription> = Object.fromEntries(
	[new Jikeyun(), new JikeyunTrigger(), new Kingdee()].map((node) => [
		node.description.name,
		withN8nParameters(node.description),
	]),
);

export interface SavedParameters {
	saved: INodeParameters;
	/** Parameters the workflow left unset, with the defaults n8n filled in when it was saved. */
	defaults?: INodeParameters;
	/** Parameter types when saved; `options.maxTries` for an option of a collection. */
	types?: Record<string, string>;
}

const NODE = { typeVersion: 1 };

function shownProperty(description: INodeTypeDescription, values: INodeParameters, name: string) {
	return description.properties.find(
		(property) => property.name === name && NodeHelpers.displayParameter(values, property, NODE, description),
	);
}

/** The kinds of value a parameter type holds, for saved values whose type was not recorded (the sample workflows). */
const VALUE_KINDS: Record<string, string[]> = {
	string: ['string'],
	json: ['string'],
	dateTime: ['string'],
	options: ['string', 'number', 'boolean'],
	number: ['number'],
	boolean: ['boolean'],
	multiOptions: ['array'],
	collection: ['object'],
	fixedCollection: ['object'],
	resourceLocator: ['object'],
	resourceMapper: ['object'],
};

function kindOf(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	return value === null ? 'null' : typeof value;
}

const isExpression = (value: unknown) => typeof value === 'string' && value.startsWith('=');

function typeProblem(where: string, type: string, value: unknown, savedType: string | undefined): string[] {
	if (savedType !== undefined)
		return savedType === type ? [] : [`${where}: was a ${savedType} parameter, is now ${type}`];
	if (isExpression(value) || (VALUE_KINDS[type] ?? [kindOf(value)]).includes(kindOf(value))) return [];
	return [`${where}: a ${type} parameter cannot hold the saved ${kindOf(value)} ${JSON.stringify(value)}`];
}

function optionProblem(where: string, property: INodeProperties, value: unknown): string[] {
	const dynamic = property.typeOptions?.loadOptionsMethod !== undefined || property.typeOptions?.loadOptions;
	if (!['options', 'multiOptions'].includes(property.type) || dynamic || isExpression(value)) return [];
	const allowed = (property.options as INodePropertyOptions[]).map((option) => option.value);
	const values = Array.isArray(value) ? value : [value];
	const gone = values.filter((entry) => !allowed.includes(entry as string));
	return gone.length === 0 ? [] : [`${where}: saved value ${JSON.stringify(gone)} is no longer one of the options`];
}

function collectionProblems(
	key: string,
	property: INodeProperties,
	value: NodeParameterValueType,
	types: Record<string, string>,
): string[] {
	if (property.type !== 'collection' || kindOf(value) !== 'object') return [];
	return Object.entries(value as INodeParameters).flatMap(([name, entry]) => {
		const option = (property.options as INodeProperties[]).find((candidate) => candidate.name === name);
		const where = `${key}.${name}`;
		if (!option) return [`${where}: no such option in "${property.displayName}" any more`];
		return [...typeProblem(where, option.type, entry, types[where]), ...optionProblem(where, option, entry)];
	});
}

/**
 * Parameters deliberately hidden while at their default, because a newer parameter took over their role: a workflow
 * that relied on the default still means the same when the old parameter still exists with that default and its
 * successor is shown. Kingdee Batch Save's *Upsert by Number* (false = fail on existing numbers) became *If Exists*
 * (default Fail); the old switch shows only while on, and on it still means Update (docs/kingdee-node.md#batch-save).
 */
const SUPERSEDED: Record<string, string> = { upsertByNumber: 'ifExists' };

function supersededProblem(
	description: INodeTypeDescription,
	loaded: INodeParameters,
	key: string,
	value: unknown,
): string | undefined {
	const successor = SUPERSEDED[key];
	const property = description.properties.find((candidate) => candidate.name === key);
	if (!property) return `${key}: the workflow relied on its default, and the parameter is gone`;
	if (!isDeepStrictEqual(property.default, value))
		return `${key}: the default changed from ${JSON.stringify(value)} to ${JSON.stringify(property.default)}`;
	if (!shownProperty(description, loaded, successor)) return `${key}: its successor ${successor} is not shown`;
	return undefined;
}

/** What a saved node would lose or change when loaded by the node description as it is now; empty when nothing. */
export function savedParameterProblems(description: INodeTypeDescription, parameters: SavedParameters): string[] {
	const { saved, defaults = {}, types = {} } = parameters;
	const loaded = NodeHelpers.getNodeParameters(description.properties, saved, true, false, NODE, description) ?? {};
	const problems: string[] = [];
	for (const [key, value] of Object.entries(saved)) {
		const property = shownProperty(description, loaded, key);
		if (!property) {
			problems.push(`${key}: no parameter of that name is shown for these settings any more`);
			continue;
		}
		problems.push(...typeProblem(key, property.type, value, types[key]), ...optionProblem(key, property, value));
		problems.push(...collectionProblems(key, property, value, types));
		if (!isDeepStrictEqual(loaded[key], value))
			problems.push(`${key}: n8n loads ${JSON.stringify(loaded[key])} instead of the saved ${JSON.stringify(value)}`);
	}
	for (const [key, value] of Object.entries(defaults)) {
		// A notice is text the editor shows, not a value a workflow relies on: it may come and go.
		if (types[key] === 'notice') continue;
		const property = shownProperty(description, loaded, key);
		if (!property && key in SUPERSEDED) {
			const problem = supersededProblem(description, loaded, key, value);
			if (problem) problems.push(problem);
			const declared = description.properties.find((candidate) => candidate.name === key);
			if (declared) problems.push(...typeProblem(key, declared.type, value, types[key]));
			continue;
		}
		if (!property) problems.push(`${key}: the workflow relied on its default, and it is no longer shown`);
		else if (!isDeepStrictEqual(loaded[key], value))
			problems.push(`${key}: the default changed from ${JSON.stringify(value)} to ${JSON.stringify(loaded[key])}`);
		if (property) problems.push(...typeProblem(key, property.type, value, types[key]));
	}
	return problems;
}

interface SavedSet extends SavedParameters {
	node: string;
	label: string;
}

const SAVED_SETS = JSON.parse(
	fs.readFileSync(path.join(__dirname, 'fixtures', 'savedParameters.json'), 'utf8'),
) as SavedSet[];

interface WorkflowNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}

const WORKFLOW_NODES = fs
	.readdirSync(path.join(ROOT, 'workflows'))
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) =>
		(JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', file), 'utf8')) as { nodes: WorkflowNode[] }).nodes
			.filter((node) => node.type.startsWith(`${PACKAGE}.`))
			.map((node) => ({ file, ...node })),
	);

describe('parameters saved with earlier versions load and mean the same', () => {
	it('the saved sets cover every operation the nodes had, and the trigger', () => {
		const operations = (node: string) =>
			[
				...new Set(
					SAVED_SETS.filter((set) => set.node === node).map((set) => set.label.split(' ').slice(0, 2).join(' ')),
				),
			].sort();
		expect(operations('jikeyun')).toEqual([
			'resource=api operation=callMethod',
			'resource=salesChannel operation=getAll',
		]);
		expect(operations('kingdee')).toHaveLength(11);
		expect(operations('jikeyunTrigger')).toEqual(['event=methodWindow', 'event=salesChannelChanged']);
	});

	it.each(SAVED_SETS.map((set) => [`${set.node} ${set.label}`, set] as const))('%s', (_label, set) => {
		expect(savedParameterProblems(DESCRIPTIONS[set.node], set)).toEqual([]);
	});
});

describe('the sample workflows load and mean the same', () => {
	it('finds the nodes of this package in workflows/*.json', () => {
		expect(WORKFLOW_NODES.map((node) => node.type.slice(PACKAGE.length + 1)).sort()).toEqual(
			expect.arrayContaining(['jikeyun', 'jikeyunTrigger', 'kingdee']),
		);
	});

	it.each(WORKFLOW_NODES.map((node) => [`${node.file}: ${node.name}`, node] as const))('%s', (_label, node) => {
		const description = DESCRIPTIONS[node.type.slice(PACKAGE.length + 1)];
		expect(savedParameterProblems(description, { saved: node.parameters })).toEqual([]);
	});
});

describe('savedParameterProblems (the check itself)', () => {
	const batchSave = SAVED_SETS.find(
		(set) => set.node === 'kingdee' && set.label === 'resource=record operation=batchSave',
	);
	const mapper = SAVED_SETS.find((set) => set.label === 'resource=record operation=batchSave modelSource=mapper');
	/** Today's Kingdee description with one parameter changed. */
	function kingdeeWith(name: string, change: (property: INodeProperties) => INodeProperties | undefined) {
		const description = DESCRIPTIONS.kingdee;
		const properties = description.properties.flatMap((property) => {
			const shownForBatchSave = JSON.stringify(property.displayOptions ?? {}).includes('batchSave');
			if (property.name !== name || !shownForBatchSave) return [property];
			const changed = change(structuredClone(property));
			return changed ? [changed] : [];
		});
		return { ...description, properties };
	}

	it('passes the unchanged description (the sets exist)', () => {
		expect(batchSave).toBeDefined();
		expect(mapper).toBeDefined();
		expect(savedParameterProblems(DESCRIPTIONS.kingdee, mapper!)).toEqual([]);
	});

	it('reports a renamed or removed parameter', () => {
		const renamed = kingdeeWith('saveOptions', (property) => ({ ...property, name: 'kingdeeSaveOptions' }));
		expect(savedParameterProblems(renamed, batchSave!)).toEqual([
			'saveOptions: no parameter of that name is shown for these settings any more',
		]);
		const removed = kingdeeWith('batchSize', () => undefined);
		expect(savedParameterProblems(removed, batchSave!)).toEqual([
			'batchSize: the workflow relied on its default, and it is no longer shown',
		]);
	});

	it('reports a changed type, a removed option value and a changed default', () => {
		const retyped = kingdeeWith('upsertByNumber', (property) => ({ ...property, type: 'string', default: 'false' }));
		expect(savedParameterProblems(retyped, batchSave!)).toEqual([
			'upsertByNumber: the default changed from false to "false"',
			'upsertByNumber: was a boolean parameter, is now string',
		]);
		const fewerOptions = kingdeeWith('modelSource', (property) => ({
			...property,
			options: (property.options as INodePropertyOptions[]).filter((option) => option.value !== 'mapper'),
		}));
		expect(savedParameterProblems(fewerOptions, mapper!)).toContain(
			'modelSource: saved value ["mapper"] is no longer one of the options',
		);
		const newDefault = kingdeeWith('batchSize', (property) => ({ ...property, default: 50 }));
		expect(savedParameterProblems(newDefault, batchSave!)).toEqual(['batchSize: the default changed from 100 to 50']);
	});

	it('reports a removed option of a collection and a value n8n would not load', () => {
		const fewerSaveOptions = kingdeeWith('saveOptions', (property) => ({
			...property,
			options: (property.options as INodeProperties[]).filter((option) => option.name !== 'isDeleteEntry'),
		}));
		const problems = savedParameterProblems(fewerSaveOptions, batchSave!);
		expect(problems[0]).toBe('saveOptions.isDeleteEntry: no such option in "Save Options" any more');
		const [loaded, saved] = problems[1].split(' instead of the saved ');
		expect(loaded).toMatch(/^saveOptions: n8n loads \{"isAutoAdjustField":false,/);
		expect(loaded).not.toContain('isDeleteEntry');
		expect(saved).toContain('"isDeleteEntry":true');
		expect(problems).toHaveLength(2);
		const hidden = kingdeeWith('modelSource', (property) => ({
			...property,
			displayOptions: { show: { operation: ['batchSave'], upsertByNumber: [true] } },
		}));
		expect(savedParameterProblems(hidden, mapper!)).toEqual(
			expect.arrayContaining(['modelSource: no parameter of that name is shown for these settings any more']),
		);
	});

	it('judges the values of a sample workflow by kind, expressions aside', () => {
		const description = DESCRIPTIONS.kingdee;
		expect(
			savedParameterProblems(description, {
				saved: { operation: 'batchSave', batchSize: '200', upsertByNumber: '={{true}}' },
			}),
		).toEqual(['batchSize: a number parameter cannot hold the saved string "200"']);
	});
});
