"""Every read of someone else's jobs data, one module per area; another member's object answers 404."""
