import { describe, expect, it } from "vitest";
import type { Schemas } from "../api/client";
import {
  assignees,
  buildRows,
  cellIndex,
  cellRange,
  emptyFilters,
  filterRows,
  groups,
  initials,
  sortRows,
  vocabulary,
} from "./model";

const settings: Schemas["ProjectSettingsOut"] = {
  task_types: [
    { id: 3, name: "Modeling", short_name: "mod", for_entity: "asset", color: "#111111", department_id: 1 },
    { id: 9, name: "Layout", short_name: "lay", for_entity: "shot", color: "#222222", department_id: null },
    { id: 1, name: "Rigging", short_name: "rig", for_entity: "asset", color: "#333333", department_id: 2 },
  ],
  task_statuses: [
    { id: 10, name: "Todo", short_name: "todo", color: "#aaaaaa", is_done: false, is_wip: false, is_retake: false,
      is_artist_allowed: true, is_client_allowed: false },
    { id: 11, name: "WIP", short_name: "wip", color: "#3273dc", is_done: false, is_wip: true, is_retake: false,
      is_artist_allowed: true, is_client_allowed: false },
    { id: 12, name: "Done", short_name: "done", color: "#22d160", is_done: true, is_wip: false, is_retake: false,
      is_artist_allowed: false, is_client_allowed: true },
  ],
};

const ada = { id: 1, full_name: "Ada Lovelace" };
const bob = { id: 2, full_name: "Bob Marley" };

function task(
  id: number,
  type: string,
  status: string,
  people = [ada],
  thumbnail: number | null = null,
): Schemas["TaskDetail"] {
  return {
    id,
    task_type: type,
    task_status: status,
    assignees: people,
    updated_at: "2025-03-03T09:00:00Z",
    thumbnail_id: thumbnail,
  };
}

const items: Schemas["AssetRow"][] = [
  {
    id: 1,
    name: "Bell 10",
    asset_type: "Prop",
    description: null,
    created_at: "",
    updated_at: "",
    task_status: {},
    task_details: [task(101, "Rigging", "wip", [bob]), task(102, "Modeling", "done")],
  },
  {
    id: 2,
    name: "Anchor",
    asset_type: "Prop",
    description: null,
    created_at: "",
    updated_at: "",
    task_status: {},
    task_details: [task(103, "Modeling", "wip", [ada], 77), task(104, "Concept", "wip")],
  },
  {
    id: 3,
    name: "bell 9",
    asset_type: "Character",
    description: null,
    created_at: "",
    updated_at: "",
    task_status: {},
    task_details: [task(105, "Modeling", "todo", [])],
  },
];

const vocab = vocabulary(settings, "asset");
const rows = buildRows(items, vocab.columns);

describe("buildRows", () => {
  it("makes one column per task type of the kind, in the project's order", () => {
    expect(vocab.columns.map((c) => c.name)).toEqual(["Modeling", "Rigging"]);
    expect(vocab.statusOrder).toEqual(["todo", "wip", "done"]);
  });

  it("puts each task in its type's column and drops types the project does not use", () => {
    expect(rows.map((r) => [r.name, r.group, r.cells.map((c) => c?.status ?? null)])).toEqual([
      ["Bell 10", "Prop", ["done", "wip"]],
      ["Anchor", "Prop", ["wip", null]],
      ["bell 9", "Character", ["todo", null]],
    ]);
    expect(rows[0]?.cells[1]).toEqual({
      taskId: 101,
      status: "wip",
      assignees: [bob],
      initials: "BM",
      updatedAt: "2025-03-03T09:00:00Z",
      thumbnailId: null,
    });
    expect(buildRows(items, vocab.columns)[0]?.cells[0]?.initials).toBe("AL");
    // A cell carries its task's latest thumbnail.
    expect(rows[1]?.cells[0]?.thumbnailId).toBe(77);
  });

  it("names a shot's place as episode / sequence", () => {
    const shot: Schemas["ShotRow"] = {
      id: 7,
      name: "SH0010",
      description: null,
      sequence_id: 5,
      sequence: "SQ010",
      episode: "E01",
      frame_in: 1,
      frame_out: 10,
      created_at: "",
      updated_at: "",
      task_status: {},
      task_details: [task(201, "Layout", "wip")],
    };
    const built = buildRows([shot, { ...shot, id: 8, episode: null }], vocabulary(settings, "shot").columns);
    expect(built.map((r) => r.group)).toEqual(["E01 / SQ010", "SQ010"]);
    expect(built[0]?.cells[0]?.taskId).toBe(201);
  });
});

describe("filterRows", () => {
  const names = (filters: Partial<ReturnType<typeof emptyFilters>>) =>
    filterRows(rows, { ...emptyFilters(), ...filters }).map((r) => r.name);

  it("keeps every row without filters (the same array)", () => {
    expect(filterRows(rows, emptyFilters())).toBe(rows);
  });
  it("matches part of the name, whatever the case", () => {
    expect(names({ text: " BELL " })).toEqual(["Bell 10", "bell 9"]);
  });
  it("filters by group", () => {
    expect(names({ group: "Character" })).toEqual(["bell 9"]);
  });
  it("filters by status per column, all of them", () => {
    expect(names({ statuses: new Map([[0, "wip"]]) })).toEqual(["Anchor"]);
    expect(names({ statuses: new Map([[0, "done"], [1, "wip"]]) })).toEqual(["Bell 10"]);
    expect(names({ statuses: new Map([[1, "todo"]]) })).toEqual([]);
  });
  it("filters by assignee in any column", () => {
    expect(names({ assignee: 2 })).toEqual(["Bell 10"]);
    expect(names({ assignee: 1 })).toEqual(["Bell 10", "Anchor"]);
  });
});

describe("sortRows", () => {
  it("sorts names naturally and case-insensitively, either way", () => {
    expect(sortRows(rows, { by: "name", descending: false }, vocab.statusOrder).map((r) => r.name)).toEqual([
      "Anchor",
      "bell 9",
      "Bell 10",
    ]);
    expect(sortRows(rows, { by: "name", descending: true }, vocab.statusOrder).map((r) => r.name)).toEqual([
      "Bell 10",
      "bell 9",
      "Anchor",
    ]);
  });
  it("sorts a column by the project's status order, entities without the task last", () => {
    const by = (descending: boolean) =>
      sortRows(rows, { by: 1, descending }, vocab.statusOrder).map((r) => r.name);
    expect(by(false)).toEqual(["Bell 10", "Anchor", "bell 9"]);
    expect(by(true)).toEqual(["Bell 10", "Anchor", "bell 9"]);
    expect(sortRows(rows, { by: 0, descending: false }, vocab.statusOrder).map((r) => r.name)).toEqual([
      "bell 9",
      "Anchor",
      "Bell 10",
    ]);
  });
  it("does not reorder the rows it was given", () => {
    sortRows(rows, { by: "name", descending: false }, vocab.statusOrder);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});

describe("choices and selection", () => {
  it("lists the groups and the assignees present", () => {
    expect(groups(rows)).toEqual(["Character", "Prop"]);
    expect(assignees(rows)).toEqual([ada, bob]);
  });
  it("finds every task's cell", () => {
    const index = cellIndex(rows);
    expect(index.get(101)?.row.name).toBe("Bell 10");
    expect(index.get(101)?.column).toBe(1);
    expect(index.has(104)).toBe(false);
  });
  it("selects the rectangle between two cells in the shown order", () => {
    const sorted = sortRows(rows, { by: "name", descending: false }, vocab.statusOrder);
    expect(cellRange(sorted, [0, 1], { rowId: 2, column: 0 }, { rowId: 1, column: 1 })).toEqual([103, 105, 102, 101]);
    expect(cellRange(sorted, [1], { rowId: 2, column: 1 }, { rowId: 1, column: 1 })).toEqual([101]);
    expect(cellRange(sorted, [1], { rowId: 2, column: 0 }, { rowId: 1, column: 1 })).toEqual([]);
  });
  it("makes initials", () => {
    expect(initials("Ada  Lovelace Byron")).toBe("AL");
    expect(initials("chloé")).toBe("C");
  });
});
