import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { COMMON_KINGDEE_FORMS } from '../protocol/forms';

/** The common forms, filtered by Form ID or name (English or Chinese); other forms are entered by ID. */
export async function searchForms(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const results = COMMON_KINGDEE_FORMS.filter(
		(form) => !needle || form.formId.toLowerCase().includes(needle) || form.name.toLowerCase().includes(needle),
	).map((form) => ({ name: `${form.name} — ${form.formId}`, value: form.formId }));
	return { results };
}
