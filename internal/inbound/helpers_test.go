package inbound_test

import (
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func scopeAll(f *storetest.Fixture) access.Scope {
	return access.ConversationScope(f.Admin, f.Workspace.Settings)
}
