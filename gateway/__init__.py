"""The HTTP gateway: the system's only public entry point. FastAPI on asyncio (no eventlet), a JWT for who
the caller is, and nameko RPC over ic_platform.rpc_client for everything else. It owns no business data."""
