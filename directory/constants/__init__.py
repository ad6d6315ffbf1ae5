"""Fixed choices of the directory, one module per set.

These lists are curated by the project, not by moderators: a fixed taxonomy is
what lets several offices describe the same offer in the same words.
"""
