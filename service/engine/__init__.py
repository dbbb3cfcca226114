"""The only code that imports SpiffWorkflow: registry, serialization, runtime, worklist, scripting."""
