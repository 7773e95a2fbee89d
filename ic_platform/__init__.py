"""Shared mechanics of every service: configuration, the event envelope and catalogue, the outbox relay,
the inbox, metrics, tracing, logging, errors and the money type. Business rules never live here."""
