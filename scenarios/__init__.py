"""Real situations made through the use cases, shared by the tests and the benchmarks: centres, people,
dossiers at a given step, committee sessions, due timers, worker processes. Nothing here imports pytest."""
