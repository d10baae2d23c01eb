"""`make bench`: the Ideas API under load next to the same queries run straight on PostgreSQL."""
