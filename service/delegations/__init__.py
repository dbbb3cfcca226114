"""Who may decide and who may sign: the board's delegations of its power, the president's of signature."""
