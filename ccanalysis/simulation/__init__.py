"""Payment-model simulator (issue 13): price candidate contracts on the client's own activity."""
