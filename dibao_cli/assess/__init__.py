"""Assessing households: applying the rules to a roster, and analysing a reform's impact."""
