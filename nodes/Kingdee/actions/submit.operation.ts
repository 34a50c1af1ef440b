import { defineStateOperation } from '../helpers/stateOperation';

/** DynamicFormService.Submit by numbers or internal IDs, one call per item. */
export const { description, execute } = defineStateOperation('submit');
