"""Contracts (合同) rules, to come: contracts, payment terms, milestones, acceptance, amendments, retention."""
