-- +goose Up
-- Conversation numbers come from one sequence per workspace on PostgreSQL:
-- nextval takes no row lock, so writers creating conversations do not
-- queue behind each other's commits (numbers may skip after a rollback,
-- like any sequence).
-- +goose StatementBegin
DO $$
DECLARE w RECORD;
BEGIN
    FOR w IN SELECT id, (SELECT value FROM counters c WHERE c.workspace_id = workspaces.id AND c.name = 'conversation_number') AS n FROM workspaces LOOP
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', 'conversation_numbers_' || replace(w.id::text, '-', ''), COALESCE(w.n, 0) + 1);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
SELECT 1;
