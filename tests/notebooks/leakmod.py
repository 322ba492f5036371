"""A user module beside the fixture notebooks: module state a report can mutate."""

counter = 0
