package httpapi

// collabRoutes registers teamwork inside a conversation (issue 15):
// canned replies, mentions and participants, internal chats, tasks.
func (s *Server) collabRoutes() {
	s.cannedRoutes()
	s.participantRoutes()
	s.internalChatRoutes()
	s.taskRoutes()
	s.readStateRoutes()
}
