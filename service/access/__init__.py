"""Need to know: the declared access policy, the relations it reads, the reads it traces."""
