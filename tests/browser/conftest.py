"""The browser tests run against their own throwaway stack (the integration tests' fixture), serving the built
clients from clients/web/dist."""

from tests.integration.conftest import login, stack  # noqa: F401 - fixtures re-exported for this folder
