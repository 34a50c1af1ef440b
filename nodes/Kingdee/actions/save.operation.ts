import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { primaryKeyFieldFor } from '../protocol/forms';
import { hasPrimaryKey } from '../protocol/model';
import { statusError } from '../protocol/responses';
import { buildSaveData, modelSourceProperties, optionsCollection, saveOptionsCollection } from '../helpers/descriptions';
import { applyBaseDataFields, modelReader } from '../helpers/models';
import { runPerItem } from '../helpers/perItem';
import { getFormId, type KingdeeRun } from '../helpers/run';

export const description: INodeProperties[] = [
	...modelSourceProperties(['save'], 'add'),
	{
		displayName: 'Primary Key Field',
		name: 'primaryKeyField',
		type: 'string',
		default: '',
		placeholder: 'FCUSTID',
		description:
			'Internal ID field of the form, used to tell "updated" from "created". Leave empty for the known one (BD_Customer FCUSTID, bills FID).',
		displayOptions: { show: { operation: ['save'] } },
	},
	saveOptionsCollection(['save'], false),
	optionsCollection(['save']),
];

/** One Save call per item (Kingdee prefers Batch Save for many records). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	const formId = getFormId(this, 0);
	const primaryKeyField = primaryKeyFieldFor(formId, this.getNodeParameter('primaryKeyField', 0, '') as string);
	const saveData = buildSaveData(this.getNodeParameter('saveOptions', 0, {}) as IDataObject);
	const models = new Map<number, Record<string, unknown>>();
	const valid: Array<{ itemIndex: number; model: Record<string, unknown> }> = [];
	const readModel = modelReader(this, items);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const model = readModel(itemIndex);
		if (!(model instanceof NodeOperationError)) valid.push({ itemIndex, model });
	}
	for (const entry of await applyBaseDataFields(this, valid, run, formId)) models.set(entry.itemIndex, entry.model);
	return await runPerItem(
		this,
		items,
		run,
		'Save',
		(itemIndex) => {
			const model = models.get(itemIndex) ?? readModel(itemIndex);
			if (model instanceof NodeOperationError) throw model;
			return model;
		},
		async (model, session) => {
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
	);
}
