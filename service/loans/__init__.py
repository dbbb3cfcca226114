"""Interest-free loans (prêts sans intérêt): repayment schedules, balances and arrears."""
