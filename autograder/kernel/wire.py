"""Data, and only data, between the submission's kernel and the judge's: the protocol's every byte.

When hidden tests run apart from a submission, the judge (:mod:`autograder.kernel.judge_side`)
calls the student's functions in the submission's kernel (:mod:`autograder.kernel.submission_side`),
and the arguments of every call and everything the student's function returns cross a
process boundary. What crosses is plain data: ``None``, booleans, numbers,
strings, NumPy arrays and scalars, tensors (as arrays), and tuples, lists and
dicts of these. An encoded tree is its structure as JSON, then the raw bytes of its
arrays, each named in the JSON by its dtype, shape and place; object arrays are
refused, so nothing a submission sends can run code in the judge. Anything else
arrives as an :class:`Unsupported` placeholder that fails every check it meets.

On the socket, every message is a *frame*: its length (8 bytes, network order), then
its bytes. A connection opens with the submission's kernel's *hello* (its process id,
which the judge signals to interrupt a call); then each call is a *request* (the
function's name and its encoded arguments) answered by a *reply* (the encoded outcome
and the arguments as the function left them), each of two *parts*, every part its
length and its bytes.
"""

from __future__ import annotations

import json
import math
import struct
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import socket
    from collections.abc import Mapping, Sequence

#: The most a single call may send back, encoded.
MAX_PAYLOAD_BYTES = 64 * 2**20
#: A frame's header: the length of the bytes that follow.
FRAME_HEADER = struct.Struct("!Q")
#: The most a hello frame (a process id) may hold.
MAX_HELLO_BYTES = 64
#: Calls to names that start with this go to :mod:`autograder.kernel.probes`, not to the submission's names.
PROBE_PREFIX = "probes."
#: dtype kinds that are plain data: booleans, integers, floats, complex numbers, text.
PLAIN_KINDS = "biufcSU"


class Unsupported:
    """Stands for a value that is not plain data (a function, a model, a generator...).

    Parameters
    ----------
    type_name : str
        The value's type, as the submission's kernel named it.
    text : str
        The start of its ``repr``.
    """

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name} object that cannot be graded: {self.text}>"


class WireError(ValueError):
    """A payload that is not well-formed plain data."""


def _is_tensor(value):
    import sys

    tf = sys.modules.get("tensorflow")  # never import TensorFlow just to ask
    return tf is not None and isinstance(value, (tf.Tensor, tf.Variable))


def encode(tree: object, refs: Mapping[int, list[str | int]] | None = None) -> bytes:
    """Encode a tree of plain data: its structure as JSON, then its arrays' bytes.

    Parameters
    ----------
    tree : object
        The value to send.
    refs : dict, optional
        ``{id(obj): path}`` for mutable objects the receiver already holds (the
        call's arguments): such an object is sent as a reference to ``path``,
        so a function that returns its own argument is seen to do so.

    Returns
    -------
    bytes
        The JSON's length (:data:`FRAME_HEADER`), the JSON, and the arrays' bytes one after another.
    """
    buffers: list[bytes] = []
    size = 0

    def array(value):
        nonlocal size
        data = np.ascontiguousarray(value).tobytes()
        buffers.append(data)
        size += len(data)
        return [value.dtype.str, list(value.shape), size - len(data), len(data)]

    def walk(value):
        if refs and isinstance(value, (np.ndarray, list, dict)) and id(value) in refs:
            return {"__arg__": refs[id(value)]}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, np.ndarray) and value.dtype.kind in PLAIN_KINDS:
            return {"__array__": array(value)}
        if isinstance(value, np.generic) and value.dtype.kind in PLAIN_KINDS:
            return {"__scalar__": array(np.asarray(value))}
        if _is_tensor(value):
            return {"__tensor__": array(np.asarray(value.numpy()))}
        if isinstance(value, tuple):
            return {"__tuple__": [walk(item) for item in value]}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {"__dict__": [[walk(key), walk(item)] for key, item in value.items()]}
        return {"__unsupported__": [type(value).__name__, repr(value)[:200]]}

    structure = json.dumps(walk(tree)).encode()
    return b"".join([FRAME_HEADER.pack(len(structure)), structure, *buffers])


def _array(fields, data):
    """The array :func:`encode` described by ``fields``, its bytes in ``data``; only plain dtypes, and only its bytes."""
    try:
        dtype_text, shape, offset, size = fields
        dtype = np.dtype(str(dtype_text))
        if dtype.kind not in PLAIN_KINDS or dtype.fields is not None:
            raise WireError(f"an array of dtype {dtype} is not plain data")
        shape = tuple(int(length) for length in shape)
        offset, size = int(offset), int(size)
        count = math.prod(shape)
        if min(*shape, offset, 0) < 0 or size != count * dtype.itemsize or offset + size > len(data):
            raise WireError("an array whose bytes are not where it says")
        if count == 0:
            return np.empty(shape, dtype=dtype)
        return np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(shape).copy()
    except WireError:
        raise
    except Exception as error:  # noqa: BLE001  (any failure to decode is the sender's: an unreadable array)
        raise WireError(f"an unreadable array ({type(error).__name__})") from None


def decode(payload: bytes, args: object = None) -> Any:
    """Decode what :func:`encode` made, safely.

    Parameters
    ----------
    payload : bytes
        The encoded tree.
    args : object, optional
        The tree that ``{"__arg__": path}`` references point into.

    Returns
    -------
    object

    Raises
    ------
    WireError
        If the payload is too large or not well-formed.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise WireError(f"more than {MAX_PAYLOAD_BYTES // 2**20} MiB of data")
    if len(payload) < FRAME_HEADER.size:
        raise WireError("unreadable data (too short)")
    (length,) = FRAME_HEADER.unpack_from(payload)
    if length > len(payload) - FRAME_HEADER.size:
        raise WireError("unreadable data (its structure is cut short)")
    data = memoryview(payload)[FRAME_HEADER.size + length:]
    try:
        structure = json.loads(payload[FRAME_HEADER.size:FRAME_HEADER.size + length])
    except (ValueError, RecursionError) as error:
        raise WireError(f"unreadable data ({type(error).__name__})") from None

    def walk(node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict) or len(node) != 1:
            raise WireError("an unknown kind of value")
        (kind, body), = node.items()
        if kind == "__array__":
            return _array(body, data)
        if kind == "__scalar__":
            return _array(body, data)[()]
        if kind == "__tensor__":
            import tensorflow as tf

            return tf.constant(_array(body, data))
        if kind == "__tuple__" and isinstance(body, list):
            return tuple(walk(item) for item in body)
        if kind == "__dict__" and isinstance(body, list):
            return {_hashable(walk(pair[0])): walk(pair[1]) for pair in body}
        if kind == "__unsupported__" and isinstance(body, list) and len(body) == 2:
            return Unsupported(str(body[0]), str(body[1]))
        if kind == "__arg__" and isinstance(body, list):
            return _follow(args, body)
        raise WireError("an unknown kind of value")

    try:
        return walk(structure)
    except RecursionError:
        raise WireError("data nested too deeply") from None


def _hashable(key):
    try:
        hash(key)
    except TypeError:
        raise WireError("a dict key that is not hashable") from None
    return key


def _follow(tree, path):
    try:
        for step in path:
            tree = tree[step]
    except (KeyError, IndexError, TypeError):
        raise WireError("a reference to an argument that does not exist") from None
    return tree


def mutable_paths(tree: object, path: tuple[str | int, ...] = ()) -> dict[int, list[str | int]]:
    """``{id(obj): path}`` for every array, list and dict in ``tree``."""
    found = {}
    if isinstance(tree, (np.ndarray, list, dict)):
        found[id(tree)] = list(path)
    if isinstance(tree, (list, tuple)):
        for index, item in enumerate(tree):
            found.update(mutable_paths(item, (*path, index)))
    elif isinstance(tree, dict):
        for key, item in tree.items():
            if isinstance(key, (str, int)):
                found.update(mutable_paths(item, (*path, key)))
    return found


def write_back(original: object, changed: object) -> object:
    """Make ``original`` equal ``changed`` in place, where it can be changed in place.

    A function that modifies its arguments (an array with ``-=``, a dict with a
    new key) does so in the submission's kernel; this repeats those changes on
    the judge's objects, so tests that check arguments are left alone still see
    the modification.

    Returns
    -------
    object
        ``original`` when it was updated in place, else ``changed``.
    """
    if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray):
        if original.shape == changed.shape and original.flags.writeable:
            if not np.array_equal(original, changed, equal_nan=original.dtype.kind in "fc"):
                np.copyto(original, changed, casting="unsafe")
            return original
        return changed
    if isinstance(original, dict) and isinstance(changed, dict):
        for key in [key for key in original if key not in changed]:
            del original[key]
        for key, value in changed.items():
            original[key] = write_back(original[key], value) if key in original else value
        return original
    if isinstance(original, list) and isinstance(changed, list):
        if len(original) == len(changed):
            original[:] = [write_back(old, new) for old, new in zip(original, changed)]
        else:
            original[:] = changed
        return original
    if isinstance(original, tuple) and isinstance(changed, tuple) and len(original) == len(changed):
        for old, new in zip(original, changed):
            write_back(old, new)
        return original
    return changed


# -- frames and messages on the call socket -----------------------------------------------


def send_frame(connection: socket.socket, payload: bytes) -> None:
    """Send one frame: ``payload`` after its length."""
    connection.sendall(FRAME_HEADER.pack(len(payload)) + payload)


def _recv_exactly(connection, size):
    chunks = []
    while size:
        chunk = connection.recv(min(size, 2**20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv_frame(connection: socket.socket, limit: int = 2 * MAX_PAYLOAD_BYTES) -> bytes:
    """Receive one frame's bytes.

    Raises
    ------
    EOFError
        If the peer closed the connection first.
    WireError
        If the frame says it is longer than ``limit`` bytes (nothing more is read).
    """
    (size,) = FRAME_HEADER.unpack(_recv_exactly(connection, FRAME_HEADER.size))
    if size > limit:
        raise WireError(f"a message of {size} bytes")
    return _recv_exactly(connection, size)


def hello(pid: int) -> bytes:
    """The first frame of a connection: the answering kernel's process id."""
    return str(int(pid)).encode()


def read_hello(connection: socket.socket) -> int:
    """The process id of :func:`hello`. Raises ``ValueError`` (or ``EOFError``, ``OSError``) if it is not one."""
    return int(recv_frame(connection, limit=MAX_HELLO_BYTES))


def parts(*chunks: bytes) -> bytes:
    """One message of several parts: each its length (:data:`FRAME_HEADER`), then its bytes."""
    return b"".join(FRAME_HEADER.pack(len(chunk)) + chunk for chunk in chunks)


def split(payload: bytes, count: int) -> list[bytes]:
    """The ``count`` parts of a :func:`parts` message. Raises :class:`WireError` if it is not exactly that."""
    found, at = [], 0
    for _ in range(count):
        if len(payload) - at < FRAME_HEADER.size:
            raise WireError("a message with parts missing")
        (size,) = FRAME_HEADER.unpack_from(payload, at)
        at += FRAME_HEADER.size
        if size > len(payload) - at:
            raise WireError("a message whose part is cut short")
        found.append(payload[at:at + size])
        at += size
    if at != len(payload):
        raise WireError("a message with bytes after its parts")
    return found


def request(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> bytes:
    """A call of ``name(*args, **kwargs)``: the name and the encoded ``[args, kwargs]`` (:func:`encode`)."""
    return parts(name.encode(), encode([list(args), kwargs]))


def read_request(payload: bytes) -> tuple[str, bytes]:
    """``(name, encoded [args, kwargs])`` of a :func:`request`; the arguments are decoded by the callee.

    Raises :class:`WireError` (a ``ValueError``) if it is not a request.
    """
    name, arguments = split(payload, 2)
    return name.decode(), arguments


def reply(outcome: dict[str, Any], call: list, refs: Mapping[int, list[str | int]]) -> bytes:
    """The answer to a call: the outcome and the arguments as the function left them.

    Parameters
    ----------
    outcome : dict
        ``{"result": value}`` or ``{"error": [type name, message]}``.
    call : list
        ``[args, kwargs]`` as the callee decoded them, after the call.
    refs : dict
        :func:`mutable_paths` of ``call`` taken *before* the call: a result that is
        one of the arguments is sent as a reference to it.
    """
    return parts(encode(outcome, refs), encode(call))


def read_reply(payload: bytes) -> tuple[bytes, bytes]:
    """``(encoded outcome, encoded arguments)`` of a :func:`reply`; raises :class:`WireError` (a ``ValueError``)."""
    outcome, arguments = split(payload, 2)
    return outcome, arguments
