"""The only package that imports OR-Tools: CP-SAT models of the matching core."""
