"""Sites likely to link to a draft: sources, link graph, ranking and outreach."""
