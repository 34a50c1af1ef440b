import { defineStateOperation } from '../helpers/stateOperation';

/** DynamicFormService.Audit by numbers or internal IDs, one call per item. */
export const { description, execute } = defineStateOperation('audit');
