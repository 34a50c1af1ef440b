import { stateOperation } from '../stateOperation';

/** DynamicFormService.Delete by numbers or internal IDs, one call per item. */
export const deleteRecords = stateOperation(
	'record',
	{
		name: 'Delete Records',
		value: 'delete',
		action: 'Delete records',
		description: 'Delete records by number or internal ID (删除)',
	},
	'Delete',
	'DynamicFormService.Delete',
);
