"""What the judge may ask of a submission's layers, models and training step.

Most graded functions take arrays and return arrays, so the judge calls them
through a proxy (:mod:`autograder.kernel.judge_side`). Chapter 6's graded code returns
things that cannot cross to the judge: a Keras layer, a model, a loss inside a
gradient tape, a function that asks TensorFlow which devices it has. The
functions here run in the submission's kernel, next to those objects, and
answer only in plain data: arrays, numbers, strings, and integer *handles* for
objects kept here between calls. The judge draws every input, computes every
reference with TensorFlow's own layers, and makes every comparison.

A submission can replace these functions, since they run in its kernel, but it
cannot choose the questions: the judge draws the inputs after the submission
ran, so outputs, gradients and updates must be right for them. What the answers
report about structure (which weights are trainable, which layers a model
holds) is the submission's own word.

In the judge, call them as ``autograder.kernel.remote.probes.<name>(...)``
(:data:`autograder.kernel.judge_side.probes`); where the tests run in the submission's
own kernel (plain nbgrader), the same call runs here directly. Only the functions
named in ``__all__`` answer (:func:`named`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from autograder.kernel import tfcheck

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    import numpy.typing as npt
    import tensorflow as tf

__all__ = [
    "make", "is_model", "wraps_keras_batch_norm", "call", "compiled_call", "weights", "weight_roles", "assign",
    "train_call", "layers", "keras_mlp", "sgd", "variables", "train_step", "loss_and_gradient",
    "best_device_pretending", "tensorflow_mechanism",
]

def named(name: str) -> Callable[..., Any] | None:
    """The probe called ``name``, or ``None`` when ``name`` is not in ``__all__``."""
    return globals()[name] if name in __all__ else None


#: Objects the judge refers to by handle: the layers and models it is testing.
_kept: list[object] = []


def _namespace():
    from IPython import get_ipython

    return get_ipython().user_ns


def _keep(obj):
    _kept.append(obj)
    return len(_kept) - 1


def _object(handle):
    try:
        return _kept[int(handle)]
    except (IndexError, TypeError, ValueError):
        raise LookupError(f"no object with handle {handle!r}") from None


def _nested_layers(obj, include_self):
    """Every layer inside a Keras layer or model, depth first (and ``obj`` itself if asked)."""
    flatten = getattr(obj, "_flatten_layers", None)
    if flatten is not None:
        return list(flatten(include_self=include_self, recursive=True))
    return ([obj] if include_self else []) + list(getattr(obj, "layers", []))


def _array(value, what):
    """A result as a NumPy array, or a TypeError naming what it was instead."""
    import tensorflow as tf

    try:
        return np.asarray(tf.convert_to_tensor(value))
    except (TypeError, ValueError):
        raise TypeError(f"{what} returned a {type(value).__name__}, not a tensor") from None


def make(name: str, *args: Any, **kwargs: Any) -> int:
    """Call the submission's ``name`` (a class or a builder) and keep what it returns.

    Returns
    -------
    int
        The handle of the new object.
    """
    with tfcheck.on_best_device():
        return _keep(_namespace()[name](*args, **kwargs))


def is_model(handle: int) -> bool:
    """Whether the kept object is a ``tf.keras.Model``."""
    import tensorflow as tf

    return isinstance(_object(handle), tf.keras.Model)


def wraps_keras_batch_norm(handle: int) -> bool:
    """Whether the kept layer is, or holds, a ``tf.keras.layers.BatchNormalization``."""
    import tensorflow as tf

    return any(isinstance(layer, tf.keras.layers.BatchNormalization)
               for layer in _nested_layers(_object(handle), include_self=True))


def call(handle: int, x: npt.ArrayLike, **kwargs: Any) -> np.ndarray:
    """Call a kept layer or model on ``x``; ``kwargs`` such as ``training`` are passed on.

    Returns
    -------
    numpy.ndarray
    """
    with tfcheck.on_best_device():
        return _array(_object(handle)(x, **kwargs), "the call")


def compiled_call(handle: int, x: npt.ArrayLike, training: bool) -> np.ndarray:
    """Call a kept layer on ``x`` inside a fresh ``tf.function``, as a compiled training step does."""
    import tensorflow as tf

    layer = _object(handle)
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")  # a fresh tf.function per call: keep the retracing notice off stderr
    try:
        with tfcheck.on_best_device():
            return _array(tf.function(lambda inputs: layer(inputs, training=training))(tf.constant(x)), "the call")
    finally:
        logger.setLevel(level)


def weights(handle: int, names: Iterable[str]) -> dict[str, np.ndarray | None]:
    """The current values of a kept layer's weights ``names`` (``None`` for a missing one).

    Returns
    -------
    dict
        ``{name: numpy.ndarray or None}``, each in the shape the layer gave it.
    """
    layer = _object(handle)
    return {name: None if getattr(layer, name, None) is None else _array(getattr(layer, name), name)
            for name in names}


def weight_roles(handle: int, names: Iterable[str]) -> dict[str, list[str | None]]:
    """Which of the attributes ``names`` a kept layer's trainable and non-trainable weights are.

    Returns
    -------
    dict
        ``{"trainable": [...], "non_trainable": [...]}``: for each weight in the
        layer's own lists, the name in ``names`` of the attribute it is, or ``None``.
    """
    layer = _object(handle)
    by_id = {id(getattr(layer, name)): name for name in names if getattr(layer, name, None) is not None}
    return {"trainable": [by_id.get(id(weight)) for weight in layer.trainable_weights],
            "non_trainable": [by_id.get(id(weight)) for weight in layer.non_trainable_weights]}


def assign(handle: int, values: Mapping[str, npt.ArrayLike]) -> None:
    """Set a kept layer's weights: ``values`` is ``{attribute name: array}``, reshaped to fit."""
    import tensorflow as tf

    layer = _object(handle)
    for name, value in values.items():
        variable = getattr(layer, name)
        variable.assign(tf.cast(tf.reshape(value, variable.shape), variable.dtype))


def train_call(handle: int, x: npt.ArrayLike, upstream: npt.ArrayLike,
               wrt: Iterable[str] = ("gamma", "beta")) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """One training-mode call of a kept layer under a tape, and the gradients it gives.

    The loss is ``sum(output * upstream)``, so the gradient with respect to the
    output is ``upstream`` and the rest is the layer's own backward pass.

    Returns
    -------
    tuple
        ``(output, [d loss / d x, d loss / d <wrt[0]>, ...])``, each an array or
        ``None`` where no gradient reaches.
    """
    import tensorflow as tf

    layer = _object(handle)
    x = tf.constant(x)
    with tfcheck.on_best_device():
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = layer(x, training=True)
            loss = tf.reduce_sum(tf.cast(out, tf.float64) * upstream)
        grads = tape.gradient(loss, [x] + [getattr(layer, name) for name in wrt])
    return _array(out, "the call"), [None if grad is None else _array(grad, "a gradient") for grad in grads]


def layers(handle: int) -> list[dict[str, Any]]:
    """What a kept model is made of, every nested layer in order.

    Returns
    -------
    list of dict
        Per layer: ``dense`` (a ``tf.keras.layers.Dense``: then also ``units``,
        ``use_bias``, ``kernel``, ``bias``), ``batch_norm`` (an instance of the
        submission's ``BatchNorm``: then also ``handle``, to call it) and
        ``keras_batch_norm`` (an instance of ``tf.keras.layers.BatchNormalization``).
    """
    import tensorflow as tf

    student_class = _namespace().get("BatchNorm")
    described = []
    for layer in _nested_layers(_object(handle), include_self=False):
        record: dict[str, Any] = {"dense": isinstance(layer, tf.keras.layers.Dense),
                                  "batch_norm": isinstance(student_class, type) and isinstance(layer, student_class),
                                  "keras_batch_norm": isinstance(layer, tf.keras.layers.BatchNormalization)}
        if record["dense"]:
            record.update(units=int(layer.units), use_bias=bool(layer.use_bias), kernel=_array(layer.kernel, "kernel"),
                          bias=_array(layer.bias, "bias") if layer.use_bias else None)
        if record["batch_norm"]:
            record["handle"] = _keep(layer)
        described.append(record)
    return described


def keras_mlp(n_features: int, hidden_units: Iterable[int], n_classes: int, initial_weights: Sequence[npt.ArrayLike],
              momentum: float = 0.9) -> int:
    """A Keras classifier (Dense without bias, Keras BatchNormalization, ReLU per hidden layer) to train.

    The judge builds the same model and sends its ``get_weights()``, so both start equal.

    Returns
    -------
    int
        The model's handle.
    """
    with tfcheck.on_best_device():
        model = reference_mlp(n_features, hidden_units, n_classes, momentum)
        model.set_weights(initial_weights)
    return _keep(model)


def reference_mlp(n_features: int, hidden_units: Iterable[int], n_classes: int,
                  momentum: float = 0.9) -> tf.keras.Sequential:
    """The model :func:`keras_mlp` trains, built from Keras' own layers (also used by the judge)."""
    import tensorflow as tf

    stack = [tf.keras.Input(shape=(n_features,))]
    for units in hidden_units:
        stack += [tf.keras.layers.Dense(units, use_bias=False),
                  tf.keras.layers.BatchNormalization(momentum=momentum), tf.keras.layers.ReLU()]
    return tf.keras.Sequential(stack + [tf.keras.layers.Dense(n_classes)])


def sgd(learning_rate: float) -> int:
    """A kept ``tf.keras.optimizers.SGD``; returns its handle."""
    import tensorflow as tf

    return _keep(tf.keras.optimizers.SGD(learning_rate=learning_rate))


def variables(handle: int) -> list[tuple[str, np.ndarray]]:
    """A kept model's variables, in order, as ``[(path, array), ...]``."""
    return [(str(variable.path), _array(variable, variable.path)) for variable in _object(handle).variables]


def reference_total_loss(logits: tf.Tensor, labels: npt.ArrayLike | tf.Tensor) -> tf.Tensor:
    """Sum over the batch of the softmax cross-entropy, with TensorFlow's own op."""
    import tensorflow as tf

    labels = tf.cast(labels, logits.dtype)
    return tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))


def train_step(model_handle: int, optimizer_handle: int, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
    """Call the submission's ``train_step`` on a kept model and optimizer.

    While it runs, ``compute_total_loss`` is TensorFlow's own loss, so that
    ``train_step`` is graded on its own: a mistake in the loss costs its points once.

    Returns
    -------
    numpy.ndarray
        The loss ``train_step`` returned.
    """
    import tensorflow as tf

    namespace = _namespace()
    students_loss = namespace.get("compute_total_loss")
    namespace["compute_total_loss"] = reference_total_loss
    try:
        with tfcheck.on_best_device():
            loss = namespace["train_step"](_object(model_handle), _object(optimizer_handle), tf.constant(x),
                                           tf.constant(y))
    finally:
        namespace["compute_total_loss"] = students_loss
    return _array(loss, "train_step")


def loss_and_gradient(logits: npt.ArrayLike, labels: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray | None]:
    """The submission's ``compute_total_loss`` of two tensors, and its gradient with respect to the logits.

    Returns
    -------
    tuple
        ``(total, gradient)``; the gradient is ``None`` when none flows (a loss
        computed with NumPy, say).
    """
    import tensorflow as tf

    logits, labels = tf.constant(logits), tf.constant(labels)
    with tfcheck.on_best_device():
        with tf.GradientTape() as tape:
            tape.watch(logits)
            total = _namespace()["compute_total_loss"](logits, labels)
        try:
            gradient = tape.gradient(total, logits)
        except (TypeError, ValueError, AttributeError):  # not a tensor the tape watched
            gradient = None
    return _array(total, "compute_total_loss"), None if gradient is None else _array(gradient, "the gradient")


def tensorflow_mechanism(name: str, *args: Any, **kwargs: Any) -> dict[str, int]:
    r"""Call the submission's ``name`` and count the ``tf.Variable``\ s it creates and the gradients it asks a tape for.

    Any way of using them counts: a plain loop, ``assign_sub``, an optimizer's
    ``minimize`` or ``apply_gradients``, a ``tf.function`` (traced once, so counted once).

    Returns
    -------
    dict
        ``{"variables": created, "gradients": calls of tf.GradientTape.gradient}``.
    """
    import tensorflow as tf

    counts = {"variables": 0, "gradients": 0}

    def creator(next_creator, **options):
        counts["variables"] += 1
        return next_creator(**options)

    original = tf.GradientTape.gradient

    def gradient(tape, *gradient_args, **gradient_kwargs):
        counts["gradients"] += 1
        return original(tape, *gradient_args, **gradient_kwargs)

    tf.GradientTape.gradient = gradient
    try:
        with tf.variable_creator_scope(creator), tfcheck.on_best_device():
            _namespace()[name](*args, **kwargs)
    finally:
        tf.GradientTape.gradient = original
    return counts


#: Everything a device rule might ask TensorFlow, so that a pretended machine answers alike.
DEVICE_QUERIES = (
    ("config", "list_physical_devices"), ("config", "list_logical_devices"), ("config", "get_visible_devices"),
    ("config.experimental", "list_physical_devices"), ("config.experimental", "list_logical_devices"),
    ("config.experimental", "get_visible_devices"), ("test", "is_gpu_available"), ("test", "gpu_device_name"),
)


def best_device_pretending(devices: Sequence[str]) -> object:
    """What the submission's ``best_device()`` answers while TensorFlow pretends to have ``devices``.

    Parameters
    ----------
    devices : sequence of str
        The device types of the pretended machine, in TensorFlow's order (``["CPU", "GPU", "GPU"]``).
        The judge draws a new sequence of machines for each notebook; the expected answers stay in the judge.

    Returns
    -------
    str or object
        Whatever ``best_device`` returned.

    While ``best_device`` runs, nothing on the stack names the answer: the pretended machine lives
    only in the replaced TensorFlow functions, which is where a device rule must look.
    """
    restore = _pretend(devices)
    del devices
    try:
        return _call_bare(_namespace()["best_device"])
    finally:
        restore()


def _call_bare(function):
    """``function()`` from a frame that holds nothing else, its cache (``functools.cache``) cleared before and after."""
    getattr(function, "cache_clear", lambda: None)()
    try:
        return function()
    finally:
        getattr(function, "cache_clear", lambda: None)()


def _pretend(devices):
    """Make every device query of :data:`DEVICE_QUERIES` describe a machine with ``devices``; return the undo."""
    import tensorflow as tf

    counts: dict[str, int] = {}
    physical, logical = [], []
    for device_type in devices:
        index = counts[device_type] = counts.get(device_type, -1) + 1
        physical.append(tf.config.PhysicalDevice(name=f"/physical_device:{device_type}:{index}",
                                                 device_type=device_type))
        logical.append(tf.config.LogicalDevice(name=f"/device:{device_type}:{index}", device_type=device_type))
    gpu_name = next((device.name for device in logical if device.device_type == "GPU"), "")
    answers = {"list_physical_devices": _lister(physical), "get_visible_devices": _lister(physical),
               "list_logical_devices": _lister(logical),
               "is_gpu_available": lambda *args, **kwargs: bool(gpu_name),
               "gpu_device_name": lambda *args, **kwargs: gpu_name}
    owners = {path: _attribute(tf, path) for path, _ in DEVICE_QUERIES}
    saved = [(owners[path], name, getattr(owners[path], name)) for path, name in DEVICE_QUERIES
             if hasattr(owners[path], name)]
    for owner, name, _ in saved:
        setattr(owner, name, answers[name])

    def restore():
        for owner, name, function in saved:
            setattr(owner, name, function)

    return restore


def _attribute(root, dotted):
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


def _lister(devices):
    return lambda device_type=None, *args, **kwargs: [
        device for device in devices if device_type is None or device.device_type == device_type]
