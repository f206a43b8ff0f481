-- +goose Up
-- The counts of every view, kept in the write path (see sqlstore/counts.go):
-- conversations grouped by what the access rule and the views test. reader
-- = '' and assignee = '': every conversation once; reader = '' and assignee
-- = U: once per assignee; reader = U: the conversations U read to the end
-- (assignee = U when U is among their assignees). flags: 1 handoff,
-- 2 appointment, 4 started by an agent, 8 unreplied, 16 has customer
-- messages, 32 last message the customer's, 64 last message ours, 128 read
-- to the end by a member of its team (by anyone, without a team).
CREATE TABLE view_counts (
    workspace_id TEXT NOT NULL,
    reader       TEXT NOT NULL,
    assignee     TEXT NOT NULL,
    status       TEXT NOT NULL,
    team_id      TEXT NOT NULL,
    assigned     INTEGER NOT NULL,
    restricted   INTEGER NOT NULL,
    flags        INTEGER NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags)
);
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n)
SELECT CAST(c.workspace_id AS TEXT), '', '', c.status, COALESCE(CAST(c.team_id AS TEXT), ''),
    CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN c.restricted THEN 1 ELSE 0 END, (CASE WHEN c.handoff THEN 1 ELSE 0 END) + (CASE WHEN c.appointment THEN 2 ELSE 0 END) + (CASE WHEN c.started_by <> '' THEN 4 ELSE 0 END)
    + (CASE WHEN c.unreplied_count > 0 THEN 8 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 THEN 16 ELSE 0 END)
    + (CASE WHEN (CASE WHEN COALESCE(json_extract(c.last_message, '$.private'), 0) THEN NULL ELSE json_extract(c.last_message, '$.direction') END) = 'in' THEN 32 ELSE 0 END) + (CASE WHEN (CASE WHEN COALESCE(json_extract(c.last_message, '$.private'), 0) THEN NULL ELSE json_extract(c.last_message, '$.direction') END) = 'out' THEN 64 ELSE 0 END)
    + (CASE WHEN c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
        AND r2.read_inbound_count >= c.inbound_count
        AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id))) THEN 128 ELSE 0 END), COUNT(*)
FROM conversations c WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n)
SELECT CAST(c.workspace_id AS TEXT), '', CAST(a.user_id AS TEXT), c.status, COALESCE(CAST(c.team_id AS TEXT), ''),
    CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN c.restricted THEN 1 ELSE 0 END, (CASE WHEN c.handoff THEN 1 ELSE 0 END) + (CASE WHEN c.appointment THEN 2 ELSE 0 END) + (CASE WHEN c.started_by <> '' THEN 4 ELSE 0 END)
    + (CASE WHEN c.unreplied_count > 0 THEN 8 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 THEN 16 ELSE 0 END)
    + (CASE WHEN (CASE WHEN COALESCE(json_extract(c.last_message, '$.private'), 0) THEN NULL ELSE json_extract(c.last_message, '$.direction') END) = 'in' THEN 32 ELSE 0 END) + (CASE WHEN (CASE WHEN COALESCE(json_extract(c.last_message, '$.private'), 0) THEN NULL ELSE json_extract(c.last_message, '$.direction') END) = 'out' THEN 64 ELSE 0 END)
    + (CASE WHEN c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
        AND r2.read_inbound_count >= c.inbound_count
        AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id))) THEN 128 ELSE 0 END), COUNT(*)
FROM conversations c JOIN conversation_assignees a ON a.conversation_id = c.id WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n)
SELECT CAST(c.workspace_id AS TEXT), CAST(r.user_id AS TEXT),
    CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = r.user_id) THEN CAST(r.user_id AS TEXT) ELSE '' END,
    c.status, COALESCE(CAST(c.team_id AS TEXT), ''),
    CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN c.restricted THEN 1 ELSE 0 END, (CASE WHEN c.handoff THEN 1 ELSE 0 END) + (CASE WHEN c.appointment THEN 2 ELSE 0 END) + (CASE WHEN c.started_by <> '' THEN 4 ELSE 0 END)
    + (CASE WHEN c.unreplied_count > 0 THEN 8 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 THEN 16 ELSE 0 END)
    + (CASE WHEN (CASE WHEN COALESCE(json_extract(c.last_message, '$.private'), 0) THEN NULL ELSE json_extract(c.last_message, '$.direction') END) = 'in' THEN 32 ELSE 0 END) + (CASE WHEN (CASE WHEN COALESCE(json_extract(c.last_message, '$.private'), 0) THEN NULL ELSE json_extract(c.last_message, '$.direction') END) = 'out' THEN 64 ELSE 0 END)
    + (CASE WHEN c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
        AND r2.read_inbound_count >= c.inbound_count
        AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id))) THEN 128 ELSE 0 END), COUNT(*)
FROM conversations c JOIN conversation_user_state r ON r.conversation_id = c.id
WHERE c.deleted_at IS NULL AND c.inbound_count > 0 AND r.read_inbound_count >= c.inbound_count GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
-- The kept counts by status alone, which view_counts replaces.
DROP TABLE conversation_counts;

-- +goose Down
CREATE TABLE conversation_counts (
    workspace_id TEXT NOT NULL,
    status       TEXT NOT NULL,
    assigned     INTEGER NOT NULL,
    restricted   INTEGER NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, status, assigned, restricted)
);
INSERT INTO conversation_counts (workspace_id, status, assigned, restricted, n)
SELECT CAST(workspace_id AS TEXT), status, CASE WHEN assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN restricted THEN 1 ELSE 0 END, COUNT(*)
FROM conversations WHERE deleted_at IS NULL
GROUP BY workspace_id, status, CASE WHEN assignee_count > 0 THEN 1 ELSE 0 END, CASE WHEN restricted THEN 1 ELSE 0 END;
DROP TABLE view_counts;
