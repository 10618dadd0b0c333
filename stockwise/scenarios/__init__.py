"""stockwise.scenarios"""
