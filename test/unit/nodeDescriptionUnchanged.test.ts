/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The generated node descriptions (operation registry, shared option lists) offer exactly what the nodes offered
 * before issue 11's refactor: the same resources, operations, parameter names, defaults, display names and display
 * conditions, so saved workflows and workflows/*.json keep working. The fixture was written from the node
 * descriptions of commit 42fa223, before the registry existed; only the order of the top-level properties may differ
 * (n8n shows each parameter by its display conditions, and each condition names one operation).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';

const before = JSON.parse(
	fs.readFileSync(path.join(__dirname, 'fixtures', 'nodeProperties.before-issue-11.json'), 'utf8'),
) as Record<'jikeyun' | 'kingdee', unknown[]>;

/** JSON with object keys sorted, so `{ show: { operation, resource } }` equals `{ show: { resource, operation } }`. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => a.localeCompare(b));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

const asSortedList = (properties: unknown[]) => properties.map(canonical).sort();

describe('node descriptions are unchanged by the operation registry', () => {
	it('Jikeyun offers the same properties', () => {
		expect(asSortedList(new Jikeyun().description.properties)).toEqual(asSortedList(before.jikeyun));
	});

	it('Kingdee Cloud Galaxy offers the same properties', () => {
		expect(asSortedList(new Kingdee().description.properties)).toEqual(asSortedList(before.kingdee));
	});

	it('the fixture holds every resource and operation the nodes had', () => {
		const operations = (properties: unknown[]) =>
			(properties as Array<{ name: string; options?: Array<{ value: string }> }>)
				.filter((property) => property.name === 'operation')
				.flatMap((property) => (property.options ?? []).map((option) => option.value))
				.sort();
		expect(operations(before.jikeyun)).toEqual(['callMethod', 'getAll', 'getAll']);
		expect(operations(before.kingdee)).toEqual([
			'allocate',
			'audit',
			'batchSave',
			'delete',
			'describeForm',
			'executeOperation',
			'query',
			'save',
			'submit',
			'unAudit',
			'view',
		]);
	});
});
