"""stockwise.forecasting"""
