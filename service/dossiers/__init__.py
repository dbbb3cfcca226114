"""Aid dossiers: open a request, work its tasks, read it; one module per aid for its specific rules."""
