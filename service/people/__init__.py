"""People (usagers): search before create, household, monthly budget and reste à vivre."""
