"""stockwise.api"""
