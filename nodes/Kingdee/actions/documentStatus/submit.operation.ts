import { stateOperation } from '../stateOperation';

/** DynamicFormService.Submit by numbers or internal IDs, one call per item. */
export const submit = stateOperation(
	'documentStatus',
	{
		name: 'Submit Records',
		value: 'submit',
		action: 'Submit records',
		description: 'Submit records by number or internal ID (提交)',
	},
	'Submit',
	'DynamicFormService.Submit',
);
