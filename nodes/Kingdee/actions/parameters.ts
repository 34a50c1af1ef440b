/** Parameters several Kingdee operations read the same way; each throws a NodeOperationError naming item and fix. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { splitList } from '../../common/list';
import { inputError } from '../../shared/input';

/** The Form ID of the resource locator, trimmed; a clear error when it is empty. */
export function getFormId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('formId', itemIndex, '', { extractValue: true }) as unknown;
	const formId = typeof value === 'string' ? value.trim() : '';
	if (!formId) {
		throw inputError(
			context.getNode(),
			itemIndex,
			'Form ID is missing',
			'choose a form from the list (e.g. BD_Customer) or enter its Form ID (业务对象标识)',
		);
	}
	return formId;
}

/** Parses a JSON parameter that may already be an object; undefined for empty text. */
export function jsonParameter(context: IExecuteFunctions, name: string, itemIndex: number): IDataObject | undefined {
	const raw = context.getNodeParameter(name, itemIndex, '') as unknown;
	if (raw === '' || raw === undefined || raw === null) return undefined;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return undefined;
		try {
			value = JSON.parse(raw);
		} catch {
			value = undefined;
		}
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw inputError(
			context.getNode(),
			itemIndex,
			`the parameter "${name}" must be a JSON object, e.g. {"UseOrgId": 1}`,
			'fix its JSON text (or its expression)',
		);
	}
	return value as IDataObject;
}

/** The records an item names, as Kingdee's `Numbers` array or `Ids` string. */
export function readSelection(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const byId = context.getNodeParameter('selectBy', itemIndex, 'number') === 'id';
	const values = splitList(context.getNodeParameter(byId ? 'ids' : 'numbers', itemIndex, ''));
	if (values.length === 0) {
		throw inputError(
			context.getNode(),
			itemIndex,
			`no ${byId ? 'internal IDs' : 'numbers'} given`,
			'enter at least one value, e.g. an expression such as {{ $json.FNumber }}',
		);
	}
	return byId ? { Ids: values.join(',') } : { Numbers: values };
}
