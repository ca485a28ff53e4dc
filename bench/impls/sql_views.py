"""The limit: one hand-written SQL statement per view that builds the whole
response JSON in the database, returned as is (the text becomes the bytes).

Written once against two small dialect helpers: ``json_build_object`` and
``json_agg(... ORDER BY ...)`` on PostgreSQL; ``json_object`` and
``json_group_array`` over an ordered subquery on SQLite (3.40 has no
``ORDER BY`` inside aggregates), where a nested JSON value read back from a
subquery must be wrapped in ``json()`` to stay JSON rather than text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.workloads import PROJECT_ID, W4_SHOTS, W4_TASKS, W5_TASKS


@dataclass(frozen=True)
class Dialect:
    name: str

    @property
    def pg(self) -> bool:
        return self.name == "postgresql"

    def obj(self, *pairs: tuple[str, str]) -> str:
        fn = "json_build_object" if self.pg else "json_object"
        args = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"{fn}({args})"

    def agg(self, expr: str, source: str, order: str) -> str:
        """A JSON array of ``expr`` over the rows of ``source`` (FROM … WHERE …), in ``order``."""
        if self.pg:
            return f"(SELECT coalesce(json_agg({expr} ORDER BY {order}), '[]'::json) {source})"
        return (
            f"json((SELECT json_group_array(json(lp_x)) FROM "
            f"(SELECT {expr} AS lp_x {source} ORDER BY {order})))"
        )

    def map(self, key: str, value: str, source: str, order: str) -> str:
        """A JSON object ``key → value`` over ``source``, keys in ``order``."""
        if self.pg:
            return (
                f"(SELECT coalesce(json_object_agg({key}, {value} ORDER BY {order}), '{{}}'::json) "
                f"{source})"
            )
        return (
            f"json((SELECT json_group_object(lp_k, lp_v) FROM "
            f"(SELECT {key} AS lp_k, {value} AS lp_v {source} ORDER BY {order})))"
        )

    def grouped(self, key: str, total: str, expr: str, source: str, order: str) -> str:
        """Per ``key``: a JSON array ``items`` of ``expr`` in ``order``, and ``total``."""
        if self.pg:
            return (
                f"SELECT {key} AS k, {total} AS total, json_agg({expr} ORDER BY {order}) AS items "
                f"{source} GROUP BY {key}"
            )
        return (
            "SELECT k, max(lp_total) AS total, json_group_array(json(lp_x)) AS items FROM "
            f"(SELECT {key} AS k, {total.replace('max(', '(')} AS lp_total, {expr} AS lp_x "
            f"{source} ORDER BY {key}, {order}) GROUP BY k"
        )

    def json_or_empty(self, column: str) -> str:
        return f"coalesce({column}, '[]'::json)" if self.pg else f"json(coalesce({column}, '[]'))"

    def text(self, column: str) -> str:
        return f"{column}::text" if self.pg else f"CAST({column} AS TEXT)"

    def ts(self, column: str) -> str:
        """A timestamp as ISO text in UTC."""
        if self.pg:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        return f"strftime('%Y-%m-%dT%H:%M:%SZ', {column})"

    def sub(self, select: str) -> str:
        """A scalar subquery returning JSON, kept JSON."""
        return f"({select})" if self.pg else f"json(({select}))"

    def final(self, expr: str, source: str = "") -> str:
        return f"SELECT ({expr}){'::text' if self.pg else ''} {source}"

    def all_rows(self) -> str:
        return "ALL" if self.pg else "-1"


def grid(d: Dialect, limit: int | None, project_id: int = PROJECT_ID) -> str:
    """W1/W2: the asset grid rows (see :mod:`bench.workloads`)."""
    assignees = d.agg(
        d.obj(("id", "pe.id"), ("full_name", "pe.first_name || ' ' || pe.last_name")),
        "FROM task_assignee ta JOIN person pe ON pe.id = ta.person_id WHERE ta.task_id = t.id",
        "pe.id",
    )
    tasks = (
        "FROM task t JOIN task_type tt ON tt.id = t.task_type_id "
        "JOIN task_status ts ON ts.id = t.task_status_id "
        "WHERE t.entity_id = p.id AND t.deleted_at IS NULL"
    )
    status_map = d.map(
        "tt.name",
        "ts.short_name",
        "FROM task t JOIN task_type tt ON tt.id = t.task_type_id "
        "JOIN task_status ts ON ts.id = t.task_status_id "
        f"LEFT JOIN project_task_type ptt ON ptt.project_id = {project_id} "
        "AND ptt.task_type_id = t.task_type_id "
        "WHERE t.entity_id = p.id AND t.deleted_at IS NULL",
        "coalesce(ptt.position, 2147483647), tt.name",
    )
    details = d.agg(
        d.obj(
            ("id", "t.id"),
            ("task_type", "tt.name"),
            ("task_status", "ts.short_name"),
            ("assignees", assignees),
            ("updated_at", d.ts("t.updated_at")),
            ("thumbnail_id", "t.thumbnail_id"),
        ),
        tasks,
        "t.id",
    )
    row = d.obj(
        ("id", "p.id"),
        ("name", "p.name"),
        ("description", "p.description"),
        ("asset_type", "p.asset_type"),
        ("created_at", d.ts("p.created_at")),
        ("updated_at", d.ts("p.updated_at")),
        ("task_status", status_map),
        ("task_details", details),
    )
    page = (
        "(SELECT e.id, e.name, e.description, e.created_at, e.updated_at, at.name AS asset_type "
        "FROM entity e JOIN asset a ON a.id = e.id JOIN asset_type at ON at.id = a.asset_type_id "
        f"WHERE e.project_id = {project_id} AND e.deleted_at IS NULL "
        f"ORDER BY e.name, e.id LIMIT {d.all_rows() if limit is None else limit}) p"
    )
    return d.final(d.obj(("items", d.agg(row, f"FROM {page}", "p.name, p.id"))))


def w3(d: Dialect, limit: int, project_id: int = PROJECT_ID) -> str:
    assignees = d.agg(
        d.obj(
            ("id", d.text("pe.id")), ("firstName", "pe.first_name"), ("lastName", "pe.last_name")
        ),
        "FROM task_assignee ta JOIN person pe ON pe.id = ta.person_id WHERE ta.task_id = t.id",
        "pe.id",
    )
    tasks = d.agg(
        d.obj(
            ("id", d.text("t.id")),
            ("taskType", d.obj(("id", d.text("tt.id")), ("name", "tt.name"))),
            ("taskStatus", d.obj(("id", d.text("ts.id")), ("shortName", "ts.short_name"))),
            ("assignees", assignees),
        ),
        "FROM task t JOIN task_type tt ON tt.id = t.task_type_id "
        "JOIN task_status ts ON ts.id = t.task_status_id "
        "WHERE t.entity_id = a.id AND t.deleted_at IS NULL",
        "t.id",
    )
    assets = d.agg(
        d.obj(
            ("id", d.text("a.id")),
            ("name", "a.name"),
            ("assetType", d.obj(("id", d.text("at.id")), ("name", "at.name"))),
            ("tasks", tasks),
        ),
        "FROM (SELECT e.id, e.name, x.asset_type_id FROM entity e JOIN asset x ON x.id = e.id "
        "WHERE e.project_id = pr.id AND e.deleted_at IS NULL "
        f"ORDER BY e.name, e.id LIMIT {limit}) a "
        "JOIN asset_type at ON at.id = a.asset_type_id",
        "a.name, a.id",
    )
    project = d.sub(
        f"SELECT {d.obj(('id', d.text('pr.id')), ('name', 'pr.name'), ('assets', assets))} "
        f"FROM project pr WHERE pr.id = {project_id}"
    )
    return d.final(d.obj(("data", d.obj(("project", project)))))


def w4(d: Dialect) -> str:
    """Built bottom-up in CTEs (tasks per shot, then shots per sequence):
    SQLite's parser cannot take the correlated nesting the other views use."""
    ctes = (
        "WITH seqs AS (SELECT e.id, e.name FROM entity e JOIN sequence s ON s.id = e.id "
        f"WHERE e.project_id = {PROJECT_ID} AND e.deleted_at IS NULL), "
        "shots AS (SELECT e.id, e.name, sh.sequence_id, "
        "row_number() OVER (PARTITION BY sh.sequence_id ORDER BY e.name, e.id) AS rn, "
        "count(*) OVER (PARTITION BY sh.sequence_id) AS total "
        "FROM entity e JOIN shot sh ON sh.id = e.id "
        "WHERE sh.sequence_id IN (SELECT id FROM seqs) AND e.deleted_at IS NULL), "
        "tasks AS (SELECT t.id, t.entity_id, tt.short_name AS type_short, "
        "ts.short_name AS status_short, t.updated_at, "
        "row_number() OVER (PARTITION BY t.entity_id ORDER BY t.updated_at DESC, t.id DESC) AS rn, "
        "count(*) OVER (PARTITION BY t.entity_id) AS total "
        "FROM task t JOIN task_type tt ON tt.id = t.task_type_id "
        "JOIN task_status ts ON ts.id = t.task_status_id "
        f"WHERE t.entity_id IN (SELECT id FROM shots WHERE rn <= {W4_SHOTS}) "
        "AND t.deleted_at IS NULL), "
    )
    task_node = d.obj(
        (
            "node",
            d.obj(
                ("id", d.text("tk.id")),
                ("typeShortName", "tk.type_short"),
                ("statusShortName", "tk.status_short"),
                ("updatedAt", d.ts("tk.updated_at")),
            ),
        )
    )
    task_json = d.grouped(
        "tk.entity_id",
        "max(tk.total)",
        task_node,
        f"FROM tasks tk WHERE tk.rn <= {W4_TASKS}",
        "tk.rn",
    )
    shot_node = d.obj(
        (
            "node",
            d.obj(
                ("id", d.text("sh.id")),
                ("name", "sh.name"),
                (
                    "taskConnection",
                    d.obj(
                        ("totalCount", "coalesce(tj.total, 0)"),
                        ("edges", d.json_or_empty("tj.items")),
                    ),
                ),
            ),
        )
    )
    shot_json = d.grouped(
        "sh.sequence_id",
        "max(sh.total)",
        shot_node,
        f"FROM shots sh LEFT JOIN task_json tj ON tj.k = sh.id WHERE sh.rn <= {W4_SHOTS}",
        "sh.rn",
    )
    sequence = d.obj(
        ("id", d.text("q.id")),
        ("name", "q.name"),
        (
            "shotConnection",
            d.obj(("totalCount", "coalesce(sj.total, 0)"), ("edges", d.json_or_empty("sj.items"))),
        ),
    )
    sequences = d.agg(sequence, "FROM seqs q LEFT JOIN shot_json sj ON sj.k = q.id", "q.id")
    project = (
        f"CASE WHEN EXISTS (SELECT 1 FROM project WHERE id = {PROJECT_ID}) "
        f"THEN {d.obj(('sequences', sequences))} END"
    )
    return (
        ctes
        + f"task_json AS ({task_json}), shot_json AS ({shot_json}) "
        + d.final(d.obj(("data", d.obj(("project", project)))))
    )


def w5(d: Dialect) -> str:
    entity = (
        "CASE e.kind WHEN 'asset' THEN "
        + d.obj(
            ("__typename", "'Asset'"),
            ("id", d.text("e.id")),
            ("name", "e.name"),
            ("assetType", d.obj(("name", "at.name"))),
        )
        + " WHEN 'shot' THEN "
        + d.obj(
            ("__typename", "'Shot'"),
            ("id", d.text("e.id")),
            ("name", "e.name"),
            ("frameIn", "sh.frame_in"),
            ("frameOut", "sh.frame_out"),
            ("sequence", d.obj(("name", "se.name"))),
        )
        + " END"
    )
    edges = d.agg(
        d.obj(
            (
                "node",
                d.obj(
                    ("id", d.text("t.id")),
                    ("updatedAt", d.ts("t.updated_at")),
                    ("taskType", d.obj(("name", "tt.name"))),
                    ("taskStatus", d.obj(("shortName", "ts.short_name"))),
                    ("entity", entity),
                ),
            )
        ),
        "FROM (SELECT t.* FROM task t WHERE t.deleted_at IS NULL AND EXISTS "
        "(SELECT 1 FROM entity x WHERE x.id = t.entity_id AND x.deleted_at IS NULL) "
        f"ORDER BY t.updated_at DESC, t.id DESC LIMIT {W5_TASKS}) t "
        "JOIN task_type tt ON tt.id = t.task_type_id "
        "JOIN task_status ts ON ts.id = t.task_status_id "
        "JOIN entity e ON e.id = t.entity_id "
        "LEFT JOIN asset a ON a.id = e.id LEFT JOIN asset_type at ON at.id = a.asset_type_id "
        "LEFT JOIN shot sh ON sh.id = e.id LEFT JOIN entity se ON se.id = sh.sequence_id",
        "t.updated_at DESC, t.id DESC",
    )
    return d.final(d.obj(("data", d.obj(("taskConnection", d.obj(("edges", edges)))))))
