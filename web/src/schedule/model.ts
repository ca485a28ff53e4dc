/**
 * The schedule page's workload table, from the API's answer: one row per
 * person, one cell per week, weeks fuller than a working week flagged.
 */
import type { Schemas } from "../api/client";

export const WORKING_DAYS_PER_WEEK = 5;

export interface WorkloadCell {
  minutes: number;
  days: number;
  over: boolean;
}

export interface WorkloadRow {
  id: number;
  name: string;
  cells: WorkloadCell[];
  unscheduledDays: number;
}

export function workloadRows(workload: Schemas["Workload"]): WorkloadRow[] {
  return workload.people.map((person) => ({
    id: person.id,
    name: person.full_name,
    cells: person.minutes.map((minutes, week) => ({
      minutes,
      days: person.days[week] ?? 0,
      over: (person.days[week] ?? 0) > WORKING_DAYS_PER_WEEK,
    })),
    unscheduledDays: Math.round((person.unscheduled / workload.workday_minutes) * 100) / 100,
  }));
}
