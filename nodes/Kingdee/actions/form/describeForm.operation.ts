import { perItemOperation } from '../../../shared/operation';
import type { KingdeeSession } from '../../protocol/session';
import { optionsCollection } from '../descriptions';
import { getFormId } from '../parameters';
import type { KingdeeRun } from '../run';

/**
 * QueryBusinessInfo of the item's form (docs/kingdee-webapi.md#metadata), one output item per field: what to map,
 * which fields are required and which are base data (sent as {"FNumber": …}). Read once per form and run.
 */
export const describeForm = perItemOperation<KingdeeRun, KingdeeSession, string>({
	resource: 'form',
	option: {
		name: 'Describe Form',
		value: 'describeForm',
		action: 'Describe a form',
		description:
			"List the form's fields from its Kingdee metadata (QueryBusinessInfo): key, caption, type, entity, base data, required",
	},
	properties: [optionsCollection()],
	label: 'Describe Form',
	readParameters: getFormId,
	async execute(_context, formId, _session, run) {
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
});
