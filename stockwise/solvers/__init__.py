"""stockwise.solvers"""
