"""`make bench`: performance figures (printed, never pass/fail) on a private copy of the system."""
