-- +goose Up
-- Users' rows of view_counts (see sqlstore/counts.go) gain two kinds and a
-- value of restricted, so that an agent's counts sum kept rows only:
--   * reader = U, flags = 256: the conversations U pinned (assignee = U when
--     U is among the assignees);
--   * reader = U, flags with 512: the restricted conversations whose
--     visibility list holds U, each once, with the conversation's flags;
--   * restricted = 2 in a row of U when the conversation is restricted and
--     its list holds U (1: restricted, not listing U).
-- The users' rows are rebuilt; the rows of every conversation and of each
-- assignee do not change.
DELETE FROM view_counts WHERE reader <> '';
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n) SELECT CAST(c.workspace_id AS TEXT), CAST(r.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = r.user_id)
			THEN CAST(r.user_id AS TEXT) ELSE '' END, c.status, COALESCE(CAST(c.team_id AS TEXT), ''), CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END,
		CASE WHEN NOT c.restricted THEN 0
			WHEN EXISTS (SELECT 1 FROM conversation_visibility v WHERE v.conversation_id = c.id AND v.user_id = r.user_id) THEN 2
			ELSE 1 END, (CASE WHEN c.handoff THEN 1 ELSE 0 END) + (CASE WHEN c.appointment THEN 2 ELSE 0 END) + (CASE WHEN c.started_by <> '' THEN 4 ELSE 0 END) + (CASE WHEN c.unreplied_count > 0 THEN 8 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 THEN 16 ELSE 0 END) + (CASE WHEN c.last_direction = 'in' THEN 32 ELSE 0 END) + (CASE WHEN c.last_direction = 'out' THEN 64 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
			AND r2.read_inbound_count >= c.inbound_count
			AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id))) THEN 128 ELSE 0 END), COUNT(*)
			FROM conversations c JOIN conversation_user_state r ON r.conversation_id = c.id
			WHERE c.deleted_at IS NULL AND c.inbound_count > 0 AND r.read_inbound_count >= c.inbound_count GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n) SELECT CAST(c.workspace_id AS TEXT), CAST(p.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = p.user_id)
			THEN CAST(p.user_id AS TEXT) ELSE '' END, c.status, COALESCE(CAST(c.team_id AS TEXT), ''), CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END,
		CASE WHEN NOT c.restricted THEN 0
			WHEN EXISTS (SELECT 1 FROM conversation_visibility v WHERE v.conversation_id = c.id AND v.user_id = p.user_id) THEN 2
			ELSE 1 END, 256, COUNT(*)
			FROM conversations c JOIN conversation_user_state p ON p.conversation_id = c.id
			WHERE c.deleted_at IS NULL AND p.pinned GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n) SELECT CAST(c.workspace_id AS TEXT), CAST(l.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = l.user_id)
			THEN CAST(l.user_id AS TEXT) ELSE '' END, c.status, COALESCE(CAST(c.team_id AS TEXT), ''), CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END,
		CASE WHEN NOT c.restricted THEN 0
			WHEN EXISTS (SELECT 1 FROM conversation_visibility v WHERE v.conversation_id = c.id AND v.user_id = l.user_id) THEN 2
			ELSE 1 END, (CASE WHEN c.handoff THEN 1 ELSE 0 END) + (CASE WHEN c.appointment THEN 2 ELSE 0 END) + (CASE WHEN c.started_by <> '' THEN 4 ELSE 0 END) + (CASE WHEN c.unreplied_count > 0 THEN 8 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 THEN 16 ELSE 0 END) + (CASE WHEN c.last_direction = 'in' THEN 32 ELSE 0 END) + (CASE WHEN c.last_direction = 'out' THEN 64 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
			AND r2.read_inbound_count >= c.inbound_count
			AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id))) THEN 128 ELSE 0 END) + 512, COUNT(*)
			FROM conversations c JOIN conversation_visibility l ON l.conversation_id = c.id
			WHERE c.deleted_at IS NULL AND c.restricted GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- +goose Down
DELETE FROM view_counts WHERE reader <> '';
INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n) SELECT CAST(c.workspace_id AS TEXT), CAST(r.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = r.user_id)
			THEN CAST(r.user_id AS TEXT) ELSE '' END, c.status, COALESCE(CAST(c.team_id AS TEXT), ''), CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END,
		CASE WHEN c.restricted THEN 1 ELSE 0 END, (CASE WHEN c.handoff THEN 1 ELSE 0 END) + (CASE WHEN c.appointment THEN 2 ELSE 0 END) + (CASE WHEN c.started_by <> '' THEN 4 ELSE 0 END) + (CASE WHEN c.unreplied_count > 0 THEN 8 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 THEN 16 ELSE 0 END) + (CASE WHEN c.last_direction = 'in' THEN 32 ELSE 0 END) + (CASE WHEN c.last_direction = 'out' THEN 64 ELSE 0 END) + (CASE WHEN c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
			AND r2.read_inbound_count >= c.inbound_count
			AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id))) THEN 128 ELSE 0 END), COUNT(*)
			FROM conversations c JOIN conversation_user_state r ON r.conversation_id = c.id
			WHERE c.deleted_at IS NULL AND c.inbound_count > 0 AND r.read_inbound_count >= c.inbound_count GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
