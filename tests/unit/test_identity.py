"""The caller's identity travels from the gateway to every service in the context data."""

from ic_platform.context import CallContext
from ic_platform.identity import IDENTITY_KEY, Viewer, decode_identity, encode_identity

LEADER = Viewer.of("leader", "dzb", ["leader_in_charge"], ["dzb", "czb"])


def test_identity_round_trips_through_context_data():
    ctx = CallContext(org="xinqiao", actor="leader", viewer=LEADER)
    again = CallContext.from_context_data(ctx.as_context_data())
    assert again.viewer == LEADER
    assert again.viewer.has_any("principal", "leader_in_charge")
    assert not again.viewer.has_any("clerk")


def test_an_identity_of_someone_else_than_the_actor_is_ignored():
    data = {"org": "xinqiao", "actor": "clerk", IDENTITY_KEY: encode_identity(LEADER)}
    assert CallContext.from_context_data(data).viewer is None


def test_unreadable_identities_are_none():
    for value in (None, "", "not json", "[]", '{"sub": 3}', '{"sub": "a", "roles": [1]}'):
        assert decode_identity(value) is None, value


def test_system_work_has_no_viewer():
    assert CallContext.from_context_data({"org": "xinqiao"}).viewer is None
