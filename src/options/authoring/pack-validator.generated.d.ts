/** Types of the validators scripts/gen-pack-validator.ts generates. */
import type { ErrorObject } from 'ajv';

export interface PackValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The pack schema with its `Aid` union narrowed to checklists. */
export const checklist: PackValidator;
/** The pack schema with its `Aid` union narrowed to tips. */
export const tip: PackValidator;
/** The pack schema with its `Aid` union narrowed to field checks. */
export const checks: PackValidator;
/** The pack schema with its `Aid` union narrowed to walkthroughs. */
export const walkthrough: PackValidator;
