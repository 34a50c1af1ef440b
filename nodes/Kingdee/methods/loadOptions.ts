import { NodeOperationError, type ILoadOptionsFunctions, type INodePropertyOptions } from 'n8n-workflow';

import { fetchOrganizations } from '../protocol/forms';
import { withKingdeeSession } from '../transport';

/** Organisations for a dropdown (value: the internal id, as Allocate's TOrgIds wants), read live through the credential. */
export async function getOrganizations(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let organizations;
	try {
		organizations = await withKingdeeSession(this, async (session) => await fetchOrganizations(session));
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`Could not read the organisations (ORG_Organizations) from Kingdee: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
	return organizations.map((org) => ({
		name: `${org.number} — ${org.name}`,
		value: org.id,
		description: `Internal ID ${org.id}`,
	}));
}
