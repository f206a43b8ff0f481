// Package realtimetest holds an in-memory store for tests of the real-time
// hub: it implements realtime.EventStore and realtime.ActorLoader.
package realtimetest

import (
	"context"
	"slices"
	"sync"

	"github.com/parleyhq/parley"
)

// Store keeps events, members and conversation audiences in memory. It is
// safe for concurrent use.
type Store struct {
	mu        sync.Mutex
	events    map[string][]parley.Event // per workspace, in seq order
	latest    map[string]int64
	members   map[string]map[string]parley.Actor
	settings  map[string]parley.WorkspaceSettings
	audiences map[string]map[string]parley.Audience
	reads     map[string]int
	// audienceReads counts ConversationAudiences calls per workspace.
	audienceReads map[string]int
	err           error
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		events:    make(map[string][]parley.Event),
		latest:    make(map[string]int64),
		members:   make(map[string]map[string]parley.Actor),
		settings:  make(map[string]parley.WorkspaceSettings),
		audiences: make(map[string]map[string]parley.Audience),
		reads:     make(map[string]int),

		audienceReads: make(map[string]int),
	}
}

// SetMember adds or replaces a member of a.WorkspaceID.
func (s *Store) SetMember(a parley.Actor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.members[a.WorkspaceID]
	if m == nil {
		m = make(map[string]parley.Actor)
		s.members[a.WorkspaceID] = m
	}
	a.TeamIDs = slices.Clone(a.TeamIDs)
	m[a.UserID] = a
}

// RemoveMember removes a user from a workspace.
func (s *Store) RemoveMember(workspaceID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.members[workspaceID], userID)
}

// SetSettings sets a workspace's settings (the default ones otherwise).
func (s *Store) SetSettings(workspaceID string, ws parley.WorkspaceSettings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings[workspaceID] = ws
}

// SetAudience sets a conversation's audience, as ConversationAudience
// returns it.
func (s *Store) SetAudience(workspaceID, conversationID string, aud parley.Audience) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setAudienceLocked(workspaceID, conversationID, aud)
}

func (s *Store) setAudienceLocked(workspaceID, conversationID string, aud parley.Audience) {
	m := s.audiences[workspaceID]
	if m == nil {
		m = make(map[string]parley.Audience)
		s.audiences[workspaceID] = m
	}
	m[conversationID] = aud
}

// Append numbers and stores an event of ev.WorkspaceID and returns it with
// its seq. An event with a conversation and an audience also sets the
// conversation's audience.
func (s *Store) Append(ev parley.Event) parley.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latest[ev.WorkspaceID]++
	ev.Seq = s.latest[ev.WorkspaceID]
	s.events[ev.WorkspaceID] = append(s.events[ev.WorkspaceID], ev)
	if ev.ConversationID != "" && ev.Audience != nil {
		s.setAudienceLocked(ev.WorkspaceID, ev.ConversationID, *ev.Audience)
	}
	return ev
}

// Prune removes the events of a workspace with seq <= upTo.
func (s *Store) Prune(workspaceID string, upTo int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.events[workspaceID]
	i := 0
	for i < len(evs) && evs[i].Seq <= upTo {
		i++
	}
	s.events[workspaceID] = slices.Clone(evs[i:])
}

// FailWith makes every read return err until called with nil.
func (s *Store) FailWith(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// Reads returns how many times EventsAfter was called for a workspace.
func (s *Store) Reads(workspaceID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads[workspaceID]
}

// LatestSeq implements realtime.EventStore.
func (s *Store) LatestSeq(ctx context.Context, workspaceID string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest[workspaceID], s.err
}

// OldestSeq implements realtime.EventStore.
func (s *Store) OldestSeq(ctx context.Context, workspaceID string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if evs := s.events[workspaceID]; len(evs) > 0 {
		return evs[0].Seq, s.err
	}
	return 0, s.err
}

// EventsAfter implements realtime.EventStore.
func (s *Store) EventsAfter(ctx context.Context, workspaceID string, after int64, limit int) ([]parley.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads[workspaceID]++
	if s.err != nil {
		return nil, s.err
	}
	var out []parley.Event
	for _, ev := range s.events[workspaceID] {
		if ev.Seq > after && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

// ConversationAudience implements realtime.EventStore.
func (s *Store) ConversationAudience(ctx context.Context, workspaceID, conversationID string) (parley.Audience, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return parley.Audience{}, s.err
	}
	aud, ok := s.audiences[workspaceID][conversationID]
	if !ok {
		return parley.Audience{}, parley.Errorf(parley.ENOTFOUND, "Conversation %s not found.", conversationID)
	}
	return aud, nil
}

// ConversationAudiences implements realtime.EventStore.
func (s *Store) ConversationAudiences(ctx context.Context, workspaceID string, conversationIDs []string) (map[string]parley.Audience, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audienceReads[workspaceID]++
	if s.err != nil {
		return nil, s.err
	}
	out := make(map[string]parley.Audience)
	for _, id := range conversationIDs {
		if aud, ok := s.audiences[workspaceID][id]; ok {
			out[id] = aud
		}
	}
	return out, nil
}

// AudienceReads returns how many times ConversationAudiences was called
// for a workspace.
func (s *Store) AudienceReads(workspaceID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.audienceReads[workspaceID]
}

// LoadActor implements realtime.ActorLoader.
func (s *Store) LoadActor(ctx context.Context, workspaceID, userID string) (parley.Actor, parley.WorkspaceSettings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return parley.Actor{}, parley.WorkspaceSettings{}, s.err
	}
	a, ok := s.members[workspaceID][userID]
	if !ok {
		return parley.Actor{}, parley.WorkspaceSettings{}, parley.Errorf(parley.ENOTFOUND, "User %s is not a member.", userID)
	}
	st, ok := s.settings[workspaceID]
	if !ok {
		st = parley.DefaultWorkspaceSettings()
	}
	a.TeamIDs = slices.Clone(a.TeamIDs)
	return a, st, nil
}
