"""Who may do what: API tokens and web accounts, each with a role."""
