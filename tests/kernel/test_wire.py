"""Plain data and frames between the two kernels (``autograder/kernel/wire.py``): no kernel needed."""

import json
import socket
import struct
import threading

import numpy as np
import pytest

from autograder.kernel import wire


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "text",
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array([[1, 2]], dtype=np.int64), np.zeros((0, 4)),
    np.float32(1.5), np.int64(7), np.bool_(True),
    (np.ones((2, 1)), {"Z": np.eye(2), "eps": 1e-5}), [1, [2, (3.0,)]], {1: "a", "b": None},
])
def test_plain_data_round_trips(value):
    """Does every kind of plain data arrive with its type, dtype, shape and values?"""
    back = wire.decode(wire.encode(value))
    assert type(back) is type(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert back.dtype == value.dtype and np.shape(back) == np.shape(value)
        assert np.array_equal(back, value)
    elif isinstance(value, tuple):
        assert np.array_equal(back[0], value[0]) and set(back[1]) == set(value[1])
    else:
        assert back == value


def test_arrays_arrive_as_writable_base_arrays():
    """Is an ndarray subclass (which could override ==) sent as its values, in a plain writable array?"""

    class Anything(np.ndarray):
        def __eq__(self, other):
            return True

    back = wire.decode(wire.encode(np.zeros(3).view(Anything)))
    assert type(back) is np.ndarray and back.flags.writeable
    assert not (back == np.ones(3)).any()


def test_what_is_not_plain_data_becomes_a_placeholder():
    """Do objects, functions and object arrays arrive as Unsupported, which equals nothing?"""
    for value in (object(), lambda: 1, np.array([None, 1], dtype=object), iter([1])):
        back = wire.decode(wire.encode(value))
        assert isinstance(back, wire.Unsupported) and back.type_name == type(value).__name__


def payload(structure, data=b""):
    """An encoded tree as :func:`wire.encode` lays one out: the JSON's length, the JSON (any text), the bytes."""
    text = (structure if isinstance(structure, str) else json.dumps(structure)).encode()
    return wire.FRAME_HEADER.pack(len(text)) + text + data


EIGHT = bytes(8)


@pytest.mark.parametrize("encoded", [
    b"", b"short", wire.FRAME_HEADER.pack(100) + b"[]", payload("not json"),
    payload({"__array__": ["|O", [1], 0, 8]}, EIGHT),  # an object array
    payload({"__array__": ["<f8", [3], 0, 8]}, EIGHT),  # three floats in eight bytes
    payload({"__array__": ["<f8", [1], 8, 8]}, EIGHT),  # bytes past the end
    payload({"__array__": ["<f8", [-1], 0, -8]}, EIGHT), payload({"__array__": ["<f8", [1], -8, 8]}, EIGHT),
    payload({"__array__": ["<f8", [2**40, 2**40], 0, 8]}, EIGHT),
    payload({"__array__": [[1, 2], {}, "x", None]}, EIGHT), payload({"__array__": "a0"}),
    payload({"__pickle__": "x"}), payload({"__dict__": [[[1], 2]]}), payload({"__arg__": [5]}),
    payload("[" * 100000 + "]" * 100000),
])
def test_malformed_payloads_are_refused(encoded):
    """Is a payload cut short, with object dtypes, arrays whose bytes are not where they say, unknown kinds or deep
    nesting refused?"""
    with pytest.raises(wire.WireError):
        wire.decode(encoded, args=[])


def test_arrays_read_only_their_own_bytes():
    """Do two arrays sent together each get their own bytes, and does an array never see the JSON?"""
    first, second = np.arange(3.0), np.arange(4, dtype=np.int32)
    back = wire.decode(wire.encode([first, {"b": second}]))
    assert np.array_equal(back[0], first) and np.array_equal(back[1]["b"], second)
    assert back[1]["b"].dtype == np.int32


def test_payloads_have_a_size_limit(monkeypatch):
    monkeypatch.setattr(wire, "MAX_PAYLOAD_BYTES", 100)
    with pytest.raises(wire.WireError, match="MiB"):
        wire.decode(wire.encode(np.zeros(100)))


def test_returned_arguments_are_sent_as_references():
    """Does a function that returns its own (mutable) argument arrive as that argument?"""
    parameters = {"W1": np.ones((2, 2))}
    args = [[parameters], {}]
    sent = wire.encode({"result": parameters}, wire.mutable_paths(args))
    assert wire.decode(sent, args=args)["result"] is parameters


def test_write_back_repeats_in_place_changes():
    """Are an array changed in place and a dict given a new key changed the same way here?"""
    Z, parameters, batches = np.arange(4.0), {"W": np.ones(2), "b": 0.0}, [np.zeros(2)]
    wire.write_back(Z, Z - 1)
    wire.write_back(parameters, {"W": np.zeros(2), "new": 1})
    wire.write_back(batches, [np.ones(2), np.ones(2)])
    assert np.array_equal(Z, [-1, 0, 1, 2])
    assert set(parameters) == {"W", "new"} and not parameters["W"].any()
    assert len(batches) == 2


# -- frames and messages ----------------------------------------------------------------------


@pytest.fixture
def pair():
    """Two connected Unix sockets, closed after the test."""
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    yield left, right
    left.close()
    right.close()


def test_frames_arrive_whole_and_in_order(pair):
    """Do frames of any size (empty, several MiB, sent from another thread) arrive whole and in order?"""
    left, right = pair
    payloads = [b"", b"x", bytes(range(256)) * 20000]
    sender = threading.Thread(target=lambda: [wire.send_frame(left, payload) for payload in payloads])
    sender.start()
    assert [wire.recv_frame(right) for _ in payloads] == payloads
    sender.join()


def test_a_frame_longer_than_its_limit_is_refused_unread(pair):
    """Is a header announcing more than the limit refused before its bytes are read?"""
    left, right = pair
    left.sendall(wire.FRAME_HEADER.pack(2**40))
    with pytest.raises(wire.WireError, match="a message of 1099511627776 bytes"):
        wire.recv_frame(right)


def test_a_peer_that_hangs_up_mid_frame_is_an_eof(pair):
    left, right = pair
    left.sendall(struct.pack("!Q", 10) + b"abc")
    left.close()
    with pytest.raises(EOFError):
        wire.recv_frame(right)


def test_a_hello_is_a_process_id_and_nothing_longer(pair):
    """Is the hello a pid, and a long or non-numeric hello refused (ValueError, which the judge reports)?"""
    left, right = pair
    wire.send_frame(left, wire.hello(4242))
    assert wire.read_hello(right) == 4242
    wire.send_frame(left, b"1" * (wire.MAX_HELLO_BYTES + 1))
    with pytest.raises(ValueError):
        wire.read_hello(right)
    wire.send_frame(left, b"not a pid")
    with pytest.raises(ValueError):
        wire.read_hello(right)


def test_a_request_carries_the_name_and_the_arguments_as_plain_data():
    """Does a request decode to the function's name and its [args, kwargs], arrays included?"""
    name, arguments = wire.read_request(wire.request("center", (np.eye(2),), {"axis": 1}))
    args, kwargs = wire.decode(arguments)
    assert name == "center" and np.array_equal(args[0], np.eye(2)) and kwargs == {"axis": 1}


def test_a_reply_sends_a_returned_argument_as_a_reference_to_it():
    """Does a reply carry the outcome and the arguments after the call, a returned argument as a reference?"""
    call = [[{"W": np.ones(2)}], {}]
    refs = wire.mutable_paths(call)  # taken before the call
    call[0][0]["seen"] = True  # what the function did to its argument
    outcome_text, arguments_text = wire.read_reply(wire.reply({"result": call[0][0]}, call, refs))
    assert outcome_text == payload({"__dict__": [["result", {"__arg__": [0, 0]}]]}), "a reference, not the dict"
    changed_args, _ = wire.decode(arguments_text)
    judges = [{"W": np.ones(2)}]
    wire.write_back(judges[0], changed_args[0])
    assert wire.decode(outcome_text, args=[judges, {}])["result"] is judges[0] and judges[0]["seen"] is True


@pytest.mark.parametrize("message", [b"not json", b"[1, 2, 3]", b"", wire.parts(b"one part"),
                                     wire.parts(b"a", b"b", b"c"), wire.parts(b"a", b"b") + b"!",
                                     wire.FRAME_HEADER.pack(2**40) + b"x"])
def test_a_malformed_reply_is_a_value_error(message):
    """Is a reply that is not exactly two parts refused with the error the judge turns into 'not plain data'?"""
    with pytest.raises(ValueError):
        wire.read_reply(message)
