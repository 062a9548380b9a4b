"""Your own profile, for every agent (outside /settings/, which only leads see): name,
language, a link to change the password, and your REST API tokens."""
