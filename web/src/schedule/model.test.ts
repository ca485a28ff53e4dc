import { describe, expect, it } from "vitest";
import { workloadRows } from "./model";

describe("workloadRows", () => {
  it("flags weeks fuller than a working week and counts unscheduled days", () => {
    const rows = workloadRows({
      weeks: ["2027-03-01", "2027-03-08"],
      workday_minutes: 480,
      people: [
        { id: 3, full_name: "Mira Okafor", minutes: [2880, 360], days: [6, 0.75], unscheduled: 240 },
      ],
    });
    expect(rows).toEqual([
      {
        id: 3,
        name: "Mira Okafor",
        cells: [
          { minutes: 2880, days: 6, over: true },
          { minutes: 360, days: 0.75, over: false },
        ],
        unscheduledDays: 0.5,
      },
    ]);
  });
});
