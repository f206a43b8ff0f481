package realtime

import (
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley"
)

func TestEntry_showingForInternalChats(t *testing.T) {
	data := json.RawMessage(`{"chat_id":"k1","member_ids":["ana","bo"]}`)
	e, err := newEntry(&parley.Event{Seq: 1, Type: parley.EventInternalChatMessage, WorkspaceID: "ws-1", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		user string
		role parley.Role
		want showing
	}{
		{"a member receives it", "ana", parley.RoleAgent, shownFull},
		{"the other member receives it", "bo", parley.RoleAgent, shownFull},
		{"another agent does not", "cy", parley.RoleAgent, hidden},
		{"an admin who is not a member does not", "root", parley.RoleAdmin, hidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &viewer{actor: parley.Actor{UserID: tt.user, WorkspaceID: "ws-1", Role: tt.role}, settings: parley.DefaultWorkspaceSettings()}
			if got := e.showingFor(v); got != tt.want {
				t.Errorf("showingFor(%s) = %v, want %v", tt.user, got, tt.want)
			}
			if got := e.showingNow(v, &replay{upTo: 5}); got != tt.want {
				t.Errorf("showingNow(%s) on replay = %v, want %v", tt.user, got, tt.want)
			}
		})
	}
}
