"""The elected committee: members, sessions, agendas, votes, minutes."""
