import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';

import { isKingdeeApiError } from '../protocol/errors';
import { fetchFormMetadata } from '../protocol/formMetadata';
import { COMMON_KINGDEE_FORMS, knownForm } from '../protocol/forms';
import { withKingdeeSession } from '../transport';

const FORM_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The common forms, filtered by Form ID or name (English or Chinese); a typed Form ID that is not one of them is
 * asked of the server (QueryBusinessInfo) and listed first, with its caption, when Kingdee knows it. Kingdee has no
 * documented search over all forms, so other forms are found by their exact ID.
 */
export async function searchForms(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const typed = (filter ?? '').trim();
	const needle = typed.toLowerCase();
	const results = COMMON_KINGDEE_FORMS.filter(
		(form) => !needle || form.formId.toLowerCase().includes(needle) || form.name.toLowerCase().includes(needle),
	).map((form) => ({ name: `${form.name} — ${form.formId}`, value: form.formId }));
	if (!FORM_ID.test(typed) || knownForm(typed)) return { results };
	try {
		const metadata = await withKingdeeSession(
			this,
			async (session, lcid) => await fetchFormMetadata(session, typed, lcid),
		);
		return {
			results: [
				{ name: `${metadata.caption || metadata.formId} — ${metadata.formId}`, value: metadata.formId },
				...results,
			],
		};
	} catch (error) {
		// A refused form ID (unknown form, no right to it) only means "not a form to list"; a login or connection
		// problem is shown, since every other lookup of this node would fail the same way.
		const notAForm =
			isKingdeeApiError(error) && error.msgCode !== undefined && !error.loginFailed && error.kind !== 'sessionLost';
		if (notAForm) return { results };
		throw new NodeOperationError(
			this.getNode(),
			`Could not look up the form ${typed} in Kingdee: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
}
