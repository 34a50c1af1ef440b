import { stateOperation } from '../stateOperation';

/** DynamicFormService.Audit by numbers or internal IDs, one call per item. */
export const audit = stateOperation(
	'documentStatus',
	{
		name: 'Audit Records',
		value: 'audit',
		action: 'Audit records',
		description: 'Audit records by number or internal ID (审核)',
	},
	'Audit',
	'DynamicFormService.Audit',
);
