/** EXPLAIN plans as workload: read a file's plans and classify their memory nodes. Pure. */
import type { PgVersion } from '../../core/versions.js';
import { classifyPlans, type PlanWorkload } from './classify.js';
import { readPlanText } from './read.js';

export { classifyPlan, classifyPlans, orderedAggregates, walkPlan, type PlanWorkload } from './classify.js';
export { readPlanText, type PlanDocument } from './read.js';

/** Every plan of one file's text, classified for the version. Bad input throws an InputError naming the file. */
export function readPlans(text: string, file: string, version: PgVersion): PlanWorkload[] {
  return classifyPlans(readPlanText(text, file), version);
}
