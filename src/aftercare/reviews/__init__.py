"""Supervisor's dashboard and the monthly and yearly reviews (DS-11)."""
