"""What the routes and job workers call: library functions, stored and loaded."""
