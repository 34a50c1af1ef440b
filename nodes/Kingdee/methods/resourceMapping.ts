import { NodeOperationError, type ILoadOptionsFunctions, type ResourceMapperFields } from 'n8n-workflow';

import { fetchFormMetadata, mapperFields } from '../protocol/formMetadata';
import { fetchOrganizations, ORGANIZATION_FORM_ID } from '../protocol/forms';
import { withKingdeeSession } from '../transport';

/**
 * The Model fields of the chosen form for "Map Fields Below", from its Kingdee metadata: captions, required
 * fields, base-data fields (organisation fields as a dropdown of organisation numbers) and the number field as the
 * match column.
 */
export async function getModelFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const formId = String(this.getNodeParameter('formId', '', { extractValue: true }) ?? '').trim();
	if (!formId) return { fields: [], emptyFieldsNotice: 'Choose a form first (Form, above)' };
	let fields;
	try {
		fields = await withKingdeeSession(this, async (session, lcid) => {
			const metadata = await fetchFormMetadata(session, formId, lcid);
			const pointsAtOrganizations = metadata.fields.some(
				(field) => field.lookUpFormId?.toLowerCase() === ORGANIZATION_FORM_ID.toLowerCase(),
			);
			const organizations = pointsAtOrganizations ? await fetchOrganizations(session) : [];
			return mapperFields(metadata, {
				[ORGANIZATION_FORM_ID.toLowerCase()]: organizations.map((org) => ({
					name: `${org.number} — ${org.name}`,
					value: org.number,
				})),
			});
		});
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`Could not read the fields of form ${formId} from Kingdee (QueryBusinessInfo): ${error instanceof Error ? error.message : String(error)}`,
			{
				description:
					'Check the Form ID and that the integration user may view the form, or map the fields with a Set node and Model Source "Whole Input Item".',
			},
		);
	}
	return { fields };
}
