import { stateOperation } from '../stateOperation';

/** DynamicFormService.UnAudit by numbers or internal IDs, one call per item. */
export const unAudit = stateOperation(
	'documentStatus',
	{
		name: 'Unaudit Records',
		value: 'unAudit',
		action: 'Unaudit records',
		description: 'Reverse the audit of records (反审核)',
	},
	'Unaudit',
	'DynamicFormService.UnAudit',
);
