import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../helpers/descriptions';
import { runPerItem } from '../helpers/perItem';
import { getFormId, type KingdeeRun } from '../helpers/run';

export const description: INodeProperties[] = [optionsCollection(['describeForm'])];

/**
 * QueryBusinessInfo of the item's form (docs/kingdee-webapi.md#metadata), one output item per field: what to map,
 * which fields are required and which are base data (sent as {"FNumber": …}). Read once per form and run.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: KingdeeRun,
): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		items,
		run,
		'Describe Form',
		(itemIndex) => getFormId(this, itemIndex),
		async (formId) => {
			const metadata = await run.formMetadata(formId);
			const entityCaption = new Map(metadata.entities.map((entity) => [entity.key, entity.caption]));
			return metadata.fields.map((field) => ({
				formId: metadata.formId,
				formCaption: metadata.caption,
				key: field.key,
				caption: field.caption,
				type: field.type,
				entity: field.entity,
				entityCaption: entityCaption.get(field.entity) ?? '',
				isBaseData: field.isBaseData,
				lookUpFormId: field.lookUpFormId,
				required: field.required,
				isPrimaryKey: field.key.toLowerCase() === metadata.pkFieldName.toLowerCase(),
			}));
		},
	);
}
