"""stockwise.engine"""
