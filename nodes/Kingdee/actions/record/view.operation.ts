import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../../shared/input';
import { perItemOperation } from '../../../shared/operation';
import { statusError } from '../../protocol/responses';
import type { KingdeeSession } from '../../protocol/session';
import { optionsCollection, selectByProperties } from '../descriptions';
import { getFormId } from '../parameters';
import type { KingdeeRun } from '../run';

interface ViewParameters {
	formId: string;
	data: IDataObject;
}

function readParameters(context: IExecuteFunctions, itemIndex: number): ViewParameters {
	const formId = getFormId(context, itemIndex);
	const byId = context.getNodeParameter('selectBy', itemIndex, 'number') === 'id';
	const value = String(context.getNodeParameter(byId ? 'ids' : 'numbers', itemIndex, '') ?? '').trim();
	if (!value) {
		const field = byId ? 'Internal ID' : 'Number';
		throw inputError(
			context.getNode(),
			itemIndex,
			`${field} is empty`,
			`enter the record's ${field}, e.g. an expression such as {{ $json.FNumber }}`,
		);
	}
	return { formId, data: byId ? { Id: value } : { Number: value } };
}

/** View one record per item by number or internal ID; outputs Kingdee's object (ORM property names). */
export const view = perItemOperation<KingdeeRun, KingdeeSession, ViewParameters>({
	resource: 'record',
	option: {
		name: 'View a Record',
		value: 'view',
		action: 'View a record',
		description: 'Read one full record by number or internal ID (View)',
	},
	properties: [...selectByProperties(true), optionsCollection()],
	label: 'View',
	readParameters,
	async execute(_context, { formId, data }, session) {
		const reply = await session.formCall('DynamicFormService.View', formId, { CreateOrgId: 0, ...data });
		if (!reply.status.isSuccess) throw statusError('DynamicFormService.View', reply.status);
		const record = reply.result;
		return [
			record !== null && typeof record === 'object' && !Array.isArray(record)
				? (record as IDataObject)
				: { Result: record as IDataObject },
		];
	},
});
