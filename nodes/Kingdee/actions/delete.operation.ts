import { defineStateOperation } from '../helpers/stateOperation';

/** DynamicFormService.Delete by numbers or internal IDs, one call per item. */
export const { description, execute } = defineStateOperation('delete');
