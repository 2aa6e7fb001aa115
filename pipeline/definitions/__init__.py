"""Definitions: what the partnership has defined, as data every stage reads.

``registry`` reads the measure registry (``measures.yaml``: one entry a measure of
MEASURES.md); ``plan`` reads and checks the plan (``partnership/plan.yaml``: areas of
concern, actions, milestones).  Nothing here touches a file the pipeline writes.
"""
