import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { perItemOperation } from '../../../shared/operation';
import { primaryKeyFieldFor } from '../../protocol/forms';
import { hasPrimaryKey } from '../../protocol/model';
import { statusError } from '../../protocol/responses';
import type { KingdeeSession } from '../../protocol/session';
import {
	buildSaveData,
	modelSourceProperties,
	optionsCollection,
	primaryKeyFieldProperty,
	saveOptionsCollection,
} from '../descriptions';
import { getFormId } from '../parameters';
import type { KingdeeRun } from '../run';
import { applyBaseDataFields, modelReader } from './models';

const properties: INodeProperties[] = [
	...modelSourceProperties('add'),
	primaryKeyFieldProperty(
		'Internal ID field of the form, used to tell "updated" from "created". Leave empty for the known one (BD_Customer FCUSTID, bills FID).',
	),
	saveOptionsCollection(false),
	optionsCollection(),
];

interface SaveParameters {
	formId: string;
	primaryKeyField: string;
	saveData: Record<string, unknown>;
	model: Record<string, unknown>;
}

function readParameters(context: IExecuteFunctions, itemIndex: number): SaveParameters {
	const formId = getFormId(context, itemIndex);
	const model = modelReader(context)(itemIndex);
	if (model instanceof NodeOperationError) throw model;
	return {
		formId,
		primaryKeyField: primaryKeyFieldFor(formId, context.getNodeParameter('primaryKeyField', itemIndex, '') as string),
		saveData: buildSaveData(context.getNodeParameter('saveOptions', itemIndex, {}) as IDataObject),
		model,
	};
}

/** One Save call per item (Kingdee prefers Batch Save for many records). */
export const save = perItemOperation<KingdeeRun, KingdeeSession, SaveParameters>({
	resource: 'record',
	option: {
		name: 'Save a Record',
		value: 'save',
		action: 'Save a record',
		description: 'Create or update one record per item (Save)',
	},
	properties,
	label: 'Save',
	readParameters,
	async execute(context, { formId, primaryKeyField, saveData, model: read }, session, run, itemIndex) {
		const [{ model }] = await applyBaseDataFields(context, [{ itemIndex, model: read }], run, formId);
		const reply = await session.formCall('DynamicFormService.Save', formId, { ...saveData, Model: model });
		if (!reply.status.isSuccess) throw statusError('DynamicFormService.Save', reply.status);
		const entity = reply.status.successEntities[0];
		return [
			{
				status: hasPrimaryKey(model, primaryKeyField) ? 'updated' : 'created',
				Id: reply.id ?? entity?.id ?? null,
				Number: reply.number ?? entity?.number ?? null,
				formId,
				...(reply.needReturnData !== undefined && saveData.NeedReturnFields
					? { NeedReturnData: reply.needReturnData as IDataObject }
					: {}),
			},
		];
	},
});
