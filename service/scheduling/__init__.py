"""The scheduler: jobs declared in one table, run inside `entraide run` or by `entraide worker` processes."""
