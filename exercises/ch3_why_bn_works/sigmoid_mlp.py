"""The network of the BN paper's Figure 1, small enough to train in seconds on a laptop CPU.

Introduced on the book page *Why does Batch Norm work?* (``book/ch3_why_bn_works.md``) and
shipped with the assignment ``ch3_why_bn_works``, whose experiment reuses it.

Ioffe and Szegedy (2015, Figure 1) trained a network with three fully connected hidden layers
of 100 sigmoid units, with and without Batch Norm, and followed the 15th, 50th and 85th
percentiles of one sigmoid's input during training. This module builds the same network for
the 8x8 digits that scikit-learn ships (nothing to download), with TensorFlow computing the
gradients, and records what the figure needs.

Conventions follow the NumPy chapters: one column per example, so ``X`` is ``(64, m)`` and a
hidden layer's sigmoid inputs ``Z`` are ``(100, m)``.
"""

import numpy as np
import tensorflow as tf

#: Units per layer: 64 pixels, three hidden sigmoid layers, 10 classes.
LAYER_SIZES = (64, 100, 100, 100, 10)
#: The three variants the book compares.
NORMALIZATIONS = ("none", "bn", "noisy_bn")


def load_digits_split(test_size=360, seed=0):
    """scikit-learn's 8x8 digits, split and standardized with the training set's statistics.

    Parameters
    ----------
    test_size : int
        Number of test examples (stratified by class).
    seed : int
        Seed of the split.

    Returns
    -------
    X_train : ndarray, shape (64, m_train), float32
    y_train : ndarray, shape (m_train,), int
    X_test : ndarray, shape (64, m_test), float32
    y_test : ndarray, shape (m_test,), int
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return (
        scaler.transform(X_train).T.astype(np.float32),
        y_train,
        scaler.transform(X_test).T.astype(np.float32),
        y_test,
    )


class SigmoidMLP(tf.Module):
    """Three hidden layers of sigmoid units and a softmax output, optionally with Batch Norm.

    Parameters
    ----------
    normalization : {"none", "bn", "noisy_bn"}
        ``"none"``: hidden layer l computes ``sigmoid(W_l @ A + b_l)``.
        ``"bn"``: it computes ``sigmoid(BN(W_l @ A))`` with learnable ``gamma_l``, ``beta_l``
        (no bias: BN's beta replaces it).
        ``"noisy_bn"``: as ``"bn"``, but during training every BN output is scaled and shifted
        by random per-unit amounts drawn afresh at every step (Santurkar et al., 2018).
    init_scale : float
        Weights start as ``init_scale * N(0, 1) / sqrt(fan_in)``: small random Gaussian
        values, as in the paper.
    eps : float
        BN's epsilon (inside the square root).
    seed : int
        Seed of the initial weights and of the noise.
    """

    def __init__(self, normalization="none", init_scale=0.5, eps=1e-3, seed=0):
        super().__init__()
        if normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
        self.normalization = normalization
        self.eps = eps
        weight_rng = np.random.default_rng(seed=seed)
        self.W, self.b, self.gamma, self.beta = [], [], [], []
        for n_in, n_out in zip(LAYER_SIZES[:-1], LAYER_SIZES[1:]):
            W = init_scale * weight_rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
            self.W.append(tf.Variable(W.astype(np.float32)))
            self.b.append(tf.Variable(tf.zeros((n_out, 1))))
            self.gamma.append(tf.Variable(tf.ones((n_out, 1))))
            self.beta.append(tf.Variable(tf.zeros((n_out, 1))))
        self.noise_generator = tf.random.Generator.from_seed(seed)

    @property
    def parameters(self):
        """The variables gradient descent updates (biases of hidden layers only without BN)."""
        hidden = range(len(LAYER_SIZES) - 2)
        if self.normalization == "none":
            return self.W + self.b
        return self.W + [self.b[-1]] + [self.gamma[l] for l in hidden] + [self.beta[l] for l in hidden]

    def draw_noise(self):
        """One step's noise: a (scale, shift) pair of shape (100, 1) per hidden layer."""
        return [
            (
                self.noise_generator.uniform((n, 1), 0.5, 2.0),
                self.noise_generator.uniform((n, 1), -1.0, 1.0),
            )
            for n in LAYER_SIZES[1:-1]
        ]

    def forward(self, X, noise=None):
        """Logits and every hidden layer's sigmoid inputs for a batch ``X`` of shape (64, m).

        With BN the statistics are the batch's own (training mode); a batch of a few hundred
        examples, such as the whole test set, estimates them well.

        Returns
        -------
        logits : tf.Tensor, shape (10, m)
        sigmoid_inputs : list of tf.Tensor, each of shape (100, m)
        """
        A = X
        sigmoid_inputs = []
        for l in range(len(LAYER_SIZES) - 2):
            Z = self.W[l] @ A
            if self.normalization == "none":
                Z = Z + self.b[l]
            else:
                mu_B, var_B = tf.nn.moments(Z, axes=[1], keepdims=True)
                Z = tf.nn.batch_normalization(Z, mu_B, var_B, self.beta[l], self.gamma[l], self.eps)
                if noise is not None:
                    scale, shift = noise[l]
                    Z = scale * Z + shift
            sigmoid_inputs.append(Z)
            A = tf.sigmoid(Z)
        return self.W[-1] @ A + self.b[-1], sigmoid_inputs


def train_sigmoid_mlp(normalization="none", steps=2000, batch_size=60, learning_rate=1.0,
                      init_scale=0.5, record_every=50, seed=0, data=None):
    """Train a :class:`SigmoidMLP` with mini-batch SGD and record what Figure 1 plots.

    Parameters
    ----------
    normalization : {"none", "bn", "noisy_bn"}
    steps : int
        Number of SGD steps; must be a multiple of ``record_every``.
    batch_size : int
        Examples per mini-batch (the paper used 60). Each epoch reshuffles the training set
        and drops the short last batch.
    learning_rate : float
    init_scale : float
        See :class:`SigmoidMLP`.
    record_every : int
        Record the test accuracy and the sigmoid inputs every this many steps (and at step 0).
    seed : int
        Seed of the initial weights, the shuffling and the noise.
    data : tuple, optional
        ``(X_train, y_train, X_test, y_test)`` as returned by :func:`load_digits_split`
        (the default).

    Returns
    -------
    dict
        ``"step"``: ndarray (T,), the steps recorded, ``T = steps // record_every + 1``;
        ``"test_accuracy"``: ndarray (T,);
        ``"Z3"``: ndarray (T, 100, m_test), the inputs of the last hidden layer's sigmoids for
        every test example at each recorded step. For ``"noisy_bn"`` they include a fresh
        draw of the noise, since that is what the sigmoids see during training, so much of
        their change from one record to the next is that draw; the accuracy is measured
        without noise.
        ``"Z3_clean"``: ndarray (T, 100, m_test), the same inputs without the noise: what the
        weights themselves produce (equal to ``"Z3"`` unless ``"noisy_bn"``).
        ``"model"``: the trained :class:`SigmoidMLP`.
    """
    if steps % record_every:
        raise ValueError("steps must be a multiple of record_every")
    X_train, y_train, X_test, y_test = load_digits_split() if data is None else data
    X_train = tf.constant(X_train, tf.float32)
    y_train = tf.constant(y_train)
    X_test = tf.constant(X_test, tf.float32)
    model = SigmoidMLP(normalization, init_scale=init_scale, seed=seed)
    optimizer = tf.keras.optimizers.SGD(learning_rate)
    noisy = normalization == "noisy_bn"

    @tf.function
    def train_steps(batches):
        # batches: (record_every, batch_size) column indices, one row per SGD step
        for t in tf.range(tf.shape(batches)[0]):
            X = tf.gather(X_train, batches[t], axis=1)
            y = tf.gather(y_train, batches[t])
            with tf.GradientTape() as gradient_tape:
                logits, _ = model.forward(X, model.draw_noise() if noisy else None)
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(y, tf.transpose(logits))
                )
            gradients = gradient_tape.gradient(loss, model.parameters)
            optimizer.apply_gradients(zip(gradients, model.parameters))

    @tf.function
    def evaluate():
        logits, clean_inputs = model.forward(X_test)
        if not noisy:
            return logits, clean_inputs[-1], clean_inputs[-1]
        _, noisy_inputs = model.forward(X_test, model.draw_noise())
        return logits, noisy_inputs[-1], clean_inputs[-1]

    # every SGD step's mini-batch, fixed in advance: reshuffle each epoch, drop the short batch
    shuffle_rng = np.random.default_rng(seed=seed)
    m = X_train.shape[1]
    per_epoch = m // batch_size
    epochs = -(-steps // per_epoch)
    schedule = np.concatenate(
        [shuffle_rng.permutation(m)[: per_epoch * batch_size].reshape(per_epoch, batch_size) for _ in range(epochs)]
    )[:steps]

    recorded_steps, accuracy, Z3, Z3_clean = [], [], [], []
    for start in range(0, steps + 1, record_every):
        logits, Z, Z_clean = evaluate()
        recorded_steps.append(start)
        accuracy.append(float(np.mean(np.argmax(logits.numpy(), axis=0) == y_test)))
        Z3.append(Z.numpy())
        Z3_clean.append(Z_clean.numpy())
        if start < steps:
            train_steps(tf.constant(schedule[start:start + record_every]))
    return {
        "step": np.array(recorded_steps),
        "test_accuracy": np.array(accuracy),
        "Z3": np.stack(Z3),
        "Z3_clean": np.stack(Z3_clean),
        "model": model,
    }
