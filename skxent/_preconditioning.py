"""A change of variables that makes ill-conditioned problems easy for L-BFGS.

Near a point ``params0`` the objective's Hessian is ``X1.T @ diag(v) @ X1``
plus ``alpha`` on the ``coef`` block, with ``v`` the curvature weights (the
sample weight times the loss's second derivative in the linear predictor,
``w * mu * (1 - mu)`` for the logit) and ``X1`` the design with an
intercept column. We write
the parameters as an affine function of new variables ``z``,

    params = params0 + T @ z,

with ``T`` chosen so that ``T.T @ H @ T`` is close to the identity: a
Newton-like scaling computed once, after which L-BFGS sees a problem whose
curvature is nearly isotropic. This is what lets a first-order method reach
the optimum on real data with columns of very different scales and strong
collinearity, where plain L-BFGS stops far from it.

``T`` acts on coefficient vectors only: ``X`` is never copied, scaled or
centered. Its parts, for ``z = [u, u0]``:

- centering: the intercept absorbs the curvature-weighted column means ``m``,
  which decouples it from the coefficients (``intercept = ... - m @ dcoef``);
- Jacobi scaling by ``D``, the square root of the Hessian's diagonal;
- whitening by the eigen-decomposition ``V Lambda V.T`` of the correlation
  part ``D^-1 H D^-1``, so ``dcoef = D^-1 V Lambda^-1/2 u``, skipped when
  there are too many features for a dense ``p x p`` matrix.

All of these are estimated from an evenly spaced subset of rows when there
are many (they only have to be close, the optimum does not depend on them),
so that building ``T`` costs no pass over a dense ``X``; the columns the
subset would estimate poorly (rare values, heavy tails) get exact means and
scales from one pass over those columns.

Directions with no curvature (constant or duplicate columns, ``p > n`` with
``alpha = 0``) get the scaling of the largest curvature: no data move them,
so the solution keeps the starting point's component there, and nothing is
divided by zero. That is the smallest solution in the scaled coordinates,
not in the user's: ``_minimum_norm`` then removes the component the data do
not determine.

A softmax model has a column of parameters per class, and its Hessian is
approximately a Kronecker product ``C (x) G`` of a class matrix ``C`` and the
feature part ``G`` above (exactly so at a cold start, where every row has the
same predicted probabilities). ``T`` is then the feature map above applied to
each column, after the columns are mixed by ``C^-1/2``. The softmax is
unchanged by adding the same to every class: that direction has no curvature
in ``C`` and, as above, keeps its starting value.
"""

import math
from typing import NamedTuple

import numpy as np
from scipy import sparse

from ._objective import HessianBasis, join_params, per_coefficient, split_params
from ._row_blocks import SCRATCH_BLOCK_ELEMENTS, sampled_rows, with_values

# Above this many features a dense p x p matrix (O(p^3) to factor) costs more
# than the iterations it saves: Jacobi scaling alone is used.
MAX_FEATURES_FOR_WHITENING = 1000

# A column's mean and sum of squares are estimated from the sampled rows
# when the sum's relative standard error there is at most this (about 1% for
# a normal column, 10% for a dummy with 100 ones in the sample), and summed
# over all rows otherwise: a preconditioner's scales need not be exact, but
# must not be far off.
MAX_SAMPLED_ERROR = 0.1

# The centered column sums of squares are computed from uncentered sums where
# that keeps at least this many significant digits (a preconditioner needs
# few), from the centered sampled rows otherwise.
CENTERED_DIGITS = 4

# A value of X beyond this many times the largest root mean square of the
# columns that the sampled rows estimate is an outlier the sample missed
# (a normal column's largest value in a million rows is 5 of them).
OUTLIER_RATIO = 1e3

# Curvatures below this fraction of the largest are rounding noise from
# forming the matrix, not information in the data.
RELATIVE_CURVATURE_FLOOR = 1e-11

# A column's centered sum of squares at most this fraction of its uncentered
# one is what centering a constant column leaves (rounding, about eps**2
# relative), not spread; a spread of 1e-12 of the column's magnitude is
# still information. Columns are judged against themselves, not against the
# others: a column of values near 1e-8 beside one near 1e8 has a curvature
# 1e-32 times the other's, all of it information.
COLUMN_NOISE = 1e-24


class AffinePreconditioner:
    """The map ``params = origin + T @ z`` and the pull-back of gradients.

    Parameters
    ----------
    origin : ndarray of shape (n_params,)
        Parameters at ``z = 0``.
    coef_map : ndarray or sparse array of shape (n_features, n_features)
        ``A`` in ``dcoef = A @ u``.
    center : ndarray of shape (n_features,) or None
        Column means ``m`` absorbed by the intercept; None without intercept.
    intercept_scale : float
        Step of the centered intercept per unit of ``u0``.
    class_map : ndarray of shape (n_classes, n_classes) or None
        Symmetric ``S`` mixing the columns of ``z`` (``z @ S``) when the
        parameters have a column per class; None for a binary model.
    full_rank : bool
        Whether every direction of the coefficients had curvature in the
        sampled rows, which proves the design of full rank (the sampled rows
        are some of its rows); False when unknown (Jacobi scaling alone).
    mask : ndarray of bool of the shape of ``coef``, default=None
        The coefficients that move (the others keep their ``origin``
        value); None for all. ``coef_map`` then has a column per feature
        with a coefficient that moves, and zero rows for the others.
    """

    def __init__(
        self,
        origin,
        coef_map,
        center,
        intercept_scale,
        class_map,
        full_rank,
        mask=None,
    ):
        self.origin = origin
        self.coef_map = coef_map
        self.center = center
        self.intercept_scale = intercept_scale
        self.class_map = class_map
        self.full_rank = full_rank
        self.mask = mask

    @property
    def fit_intercept(self):
        return self.center is not None

    @property
    def variables_shape(self):
        """The shape of ``z``: like the parameters', a row per moving feature."""
        return (self.coef_map.shape[1] + self.fit_intercept,) + self.origin.shape[1:]

    @property
    def n_variables(self):
        return int(np.prod(self.variables_shape))

    def _mix_classes(self, z):
        return z if self.class_map is None else z @ self.class_map

    def step(self, z):
        """Return the parameter change ``T @ z``.

        ``z`` is flat or of the shape :attr:`variables_shape`.
        """
        return self._feature_map(self._mix_classes(np.reshape(z, self.variables_shape)))

    def hessian_basis(self):
        """Return ``T`` as a :class:`~skxent._objective.HessianBasis`.

        ``T`` maps ``z`` to ``F @ (z @ S)`` (``mask`` applied): None for a
        softmax with a ``mask``, which applies elementwise after the classes
        are mixed, where no such pair expresses it.
        """
        if self.mask is not None and self.class_map is not None:
            return None
        n_rows = self.variables_shape[0]
        return HessianBasis(self._feature_map(np.eye(n_rows)), self.class_map)

    def _feature_map(self, z):
        """``T`` after the classes are mixed, on ``z``'s first axis.

        ``z`` has a row per variable's feature (the intercept's last) and any
        axes after it: classes, or vectors mapped together.
        """
        u, u0 = split_params(z, self.fit_intercept)
        others = z.shape[1:]
        coef_step = (self.coef_map @ u.reshape(len(u), math.prod(others))).reshape(
            (self.coef_map.shape[0],) + others
        )
        if self.mask is not None:
            mask = self.mask.reshape(self.mask.shape + (1,) * (z.ndim - self.mask.ndim))
            coef_step = coef_step * mask
        if not self.fit_intercept:
            return coef_step
        intercept_step = self.intercept_scale * u0 - (
            self.center @ coef_step.reshape(len(coef_step), math.prod(others))
        ).reshape(others)
        return join_params(coef_step, intercept_step, True)

    def gradient(self, params_gradient):
        """Gradient with respect to ``z``, flat: ``T.T @ params_gradient``."""
        coef_gradient, intercept_gradient = split_params(
            params_gradient, self.fit_intercept
        )
        if self.fit_intercept:
            coef_gradient = coef_gradient - np.multiply.outer(
                self.center, intercept_gradient
            )
        if self.mask is not None:
            coef_gradient = coef_gradient * self.mask
        z_gradient = join_params(
            self.coef_map.T @ coef_gradient,
            self.intercept_scale * intercept_gradient,
            self.fit_intercept,
        )
        return self._mix_classes(z_gradient).ravel()


class Moments(NamedTuple):
    """Curvature-weighted moments of the columns of ``X``, summed over all rows.

    They are the ``center`` (column means, zero without intercept), the
    ``squares`` about it, and the ``correlation`` matrix of the centered
    columns (None for more than ``MAX_FEATURES_FOR_WHITENING`` features).
    """

    center: np.ndarray
    squares: np.ndarray
    correlation: np.ndarray | None


def _outlier_unsampled(feature_magnitude, center, squares, total_curvature):
    """Whether ``X`` holds a value far beyond every column's estimated size.

    The size is the root mean square (uncentered) the sample estimates.
    """
    if feature_magnitude is None or total_curvature <= 0:
        return False
    mean_squares = squares / total_curvature + center**2
    return feature_magnitude > OUTLIER_RATIO * np.sqrt(mean_squares.max(initial=0.0))


def curvature_moments(
    blocks,
    curvature_weights,
    total_curvature,
    fit_intercept,
    feature_magnitude=None,
    exact_squares=False,
):
    """:class:`Moments` of ``X`` for the curvature weights ``v``.

    The weights sum to ``total_curvature``. For dense ``X``, the moments are
    estimated from the sampled rows (see ``sampled_rows``) and scaled to all
    rows: no pass over ``X`` is needed. A column whose sum
    of squares the sample estimates with a relative standard error over
    ``MAX_SAMPLED_ERROR`` (a rare dummy, a heavy tail, no spread at all in
    the sample) has its mean and squares summed over all rows instead, in
    one pass over those columns. Every column is, when ``feature_magnitude``
    (the largest ``|x|`` over all rows, None when unknown) exceeds
    ``OUTLIER_RATIO`` times the largest root mean square the sample
    estimates: a row the sample missed holds an outlier, in a column the
    sample cannot name, and when ``exact_squares`` asks for it (where the
    squares themselves are the result, not a preconditioner's estimate).
    For sparse ``X`` the means and squares are exact (one pass over the
    stored values, as cheap as a product) and only the correlation is
    sampled.
    """
    X = blocks.X
    n_samples, n_features = X.shape
    sampled = sampled_rows(n_samples, n_features)
    if sparse.issparse(X):
        center, squares = _exact_center_and_squares(
            blocks, curvature_weights, total_curvature, fit_intercept
        )
        if n_features > MAX_FEATURES_FOR_WHITENING:
            return Moments(center, squares, None)
        # Slicing a sparse matrix copies it, even all of it.
        X_sampled = X if sampled.step == 1 else X[sampled]
        return Moments(
            center,
            squares,
            _sampled_correlation(X_sampled, curvature_weights[sampled], center),
        )
    sampled_weights = curvature_weights[sampled]
    # The sampled blocks are centered in float64 temporaries of their size.
    sample = blocks.sampled(sampled, SCRATCH_BLOCK_ELEMENTS)
    (sampled_total,) = sample.sum_rows(
        lambda weights_rows: (float(weights_rows.sum()),), (sampled_weights,)
    )
    center = np.zeros(n_features)
    if fit_intercept and sampled_total > 0:
        center = (
            sample.sum(
                lambda X_rows, weights_rows: (weights_rows @ X_rows,),
                (sampled_weights,),
                np.float64,
            )[0]
            / sampled_total
        )
    gram, fourth = sample.sum(
        _centered_gram_and_fourth_moments(center, n_features), (sampled_weights,)
    )
    sampled_squares = np.diag(gram) if gram.ndim == 2 else gram
    with np.errstate(divide="ignore", invalid="ignore"):
        relative_error = np.sqrt(fourth) / sampled_squares
    squares = sampled_squares * (
        total_curvature / sampled_total if sampled_total > 0 else 0.0
    )
    poorly_sampled = np.flatnonzero(~(relative_error <= MAX_SAMPLED_ERROR))
    if exact_squares or _outlier_unsampled(
        feature_magnitude, center, squares, total_curvature
    ):
        poorly_sampled = np.arange(n_features)
    if poorly_sampled.size and sampled.step > 1:
        exact_center, exact_squares = _exact_center_and_squares_of(
            blocks,
            curvature_weights,
            total_curvature,
            fit_intercept,
            center,
            poorly_sampled,
        )
        center[poorly_sampled] = exact_center
        squares[poorly_sampled] = exact_squares
    return Moments(center, squares, _correlation(gram) if gram.ndim == 2 else None)


def _centered_gram_and_fourth_moments(center, n_features):
    """Block terms of the weighted centered Gram and of the columns' fourth moments.

    The terms are ``(X - center).T @ diag(v) @ (X - center)`` (only its
    diagonal for many features) and ``sum(v**2 (X - center)**4)`` by column,
    the variance of the sum of squares' terms; they take one temporary the
    size of the block.
    """
    whiten = n_features <= MAX_FEATURES_FOR_WHITENING

    def block_terms(X_rows, weights_rows):
        scaled = X_rows - center
        scaled *= np.sqrt(weights_rows)[:, np.newaxis]
        if whiten:
            gram = scaled.T @ scaled
        else:
            gram = np.einsum("ij,ij->j", scaled, scaled)
        np.square(scaled, out=scaled)
        return gram, np.einsum("ij,ij->j", scaled, scaled)

    return block_terms


def _exact_center_and_squares_of(
    blocks, curvature_weights, total_curvature, fit_intercept, center, columns
):
    """Exact mean and squares of ``columns``, summed about the estimated ``center``.

    They are corrected by the (small) remaining shift, which keeps the digits
    that ``sum(v x**2) - sum(v) m**2`` would cancel.
    """

    def block_terms(X_rows, weights_rows):
        centered = X_rows[:, columns] - center[columns]
        return weights_rows @ centered, weights_rows @ np.square(centered)

    first, second = blocks.sum(block_terms, (curvature_weights,))
    if not (fit_intercept and total_curvature > 0):
        return center[columns], second
    shift = first / total_curvature
    return center[columns] + shift, np.maximum(second - total_curvature * shift**2, 0.0)


def _correlation(gram, has_spread=None):
    """Return the correlation matrix of a Gram matrix.

    A column with no spread (or none known to its precision) gets a unit row
    and column, so it is scaled by its diagonal alone.
    """
    spread = np.sqrt(np.maximum(np.diag(gram), 0.0))
    has_spread = spread > 0 if has_spread is None else has_spread & (spread > 0)
    correlation = np.eye(len(gram))
    inner = np.ix_(has_spread, has_spread)
    correlation[inner] = gram[inner] / np.outer(spread[has_spread], spread[has_spread])
    return correlation


def _exact_center_and_squares(
    blocks, curvature_weights, total_curvature, fit_intercept
):
    """Exact curvature-weighted column means and sums of squares of a sparse ``X``.

    They come from its uncentered sums ``v @ X`` and ``v @ X**2`` (one pass
    over the stored values). A column whose mean dwarfs its spread, so that
    ``s2 - s1**2 / sum(v)`` would keep fewer than ``CENTERED_DIGITS`` digits,
    is summed again about its mean.
    """
    first, second = blocks.sum(_weighted_sums_and_squares, (curvature_weights,))
    if not (fit_intercept and total_curvature > 0):
        return np.zeros(blocks.shape[1]), second
    center = first / total_curvature
    squares = second - total_curvature * center**2
    cancelled = np.flatnonzero(_cancelled(squares, second, blocks))
    if cancelled.size:
        center[cancelled], squares[cancelled] = _exact_center_and_squares_of(
            blocks,
            curvature_weights,
            total_curvature,
            fit_intercept,
            center,
            cancelled,
        )
    return center, np.maximum(squares, 0.0)


def _cancelled(centered_squares, uncentered_squares, X):
    """Where the centered squares keep fewer than ``CENTERED_DIGITS`` digits.

    The centered squares are ``centered = uncentered - sum(v) m**2``; sums over
    blocks of thousands of rows keep about two digits less than ``X``'s dtype.
    """
    rounding = np.finfo(X.dtype).eps * 10.0 ** (2 + CENTERED_DIGITS)
    return centered_squares < rounding * uncentered_squares


def _weighted_sums_and_squares(X_rows, weights_rows):
    """``v @ X`` and ``v @ X**2`` on a sparse block, from its stored values."""
    squared = with_values(X_rows, np.square(X_rows.data))
    return X_rows.T @ weights_rows, squared.T @ weights_rows


def _sampled_correlation(X_sampled, sampled_weights, center):
    """Correlation of the centered, weighted columns of sampled sparse rows.

    It is computed as
    ``(X - m).T V (X - m) = X.T V X - s m.T - m s.T + sum(v) m m.T`` with
    ``s = X.T v``, never a dense copy.
    """
    weighted_sums = X_sampled.T @ sampled_weights
    gram = (X_sampled.T @ X_sampled.multiply(sampled_weights[:, np.newaxis])).toarray()
    uncentered_squares = np.diag(gram).copy()
    gram -= np.multiply.outer(weighted_sums, center)
    gram -= np.multiply.outer(center, weighted_sums)
    gram += sampled_weights.sum() * np.multiply.outer(center, center)
    return _correlation(gram, ~_cancelled(np.diag(gram), uncentered_squares, X_sampled))


def _curvatures_without_noise(curvatures):
    """Curvatures with the rounding-noise ones replaced by the largest.

    A direction whose curvature is noise is one the data do not determine:
    its gradient is noise too, and scaling it by the largest curvature keeps
    that noise from being amplified into the solution. All ones when no
    curvature is positive.
    """
    largest = curvatures.max(initial=0.0)
    if largest <= 0:
        return np.ones_like(curvatures)
    return np.where(
        curvatures > RELATIVE_CURVATURE_FLOOR * largest, curvatures, largest
    )


def _column_curvatures(moments, total_curvature, alpha):
    """Return the Hessian's diagonal on the coefficients, ``D**2``.

    A column with no spread beyond rounding (constant beside the intercept,
    all zero) has the penalty's curvature alone, or the largest where that
    is noise or zero (the data do not move it).
    """
    uncentered = moments.squares + total_curvature * moments.center**2
    no_spread = moments.squares <= COLUMN_NOISE * uncentered
    curvatures = np.where(no_spread, 0.0, moments.squares) + alpha
    return np.where(no_spread, _curvatures_without_noise(curvatures), curvatures)


def _coef_map(moments, total_curvature, alpha):
    """Return ``A = D^-1 V Lambda^-1/2`` (or ``D^-1`` alone for many features).

    With whether every direction had curvature (False when unknown, for
    ``D^-1`` alone).
    """
    squares = moments.squares
    scale = np.sqrt(_column_curvatures(moments, total_curvature, alpha))
    if moments.correlation is None:
        return sparse.diags_array(1.0 / scale), False
    data_scale = np.sqrt(squares) / scale
    scaled_hessian = moments.correlation * np.outer(data_scale, data_scale)
    scaled_hessian[np.diag_indices(len(squares))] += alpha / scale**2
    eigenvalues, eigenvectors = np.linalg.eigh(scaled_hessian)
    curvatures = _curvatures_without_noise(eigenvalues)
    whitening = eigenvectors / np.sqrt(curvatures)
    return whitening / scale[:, np.newaxis], bool(np.all(curvatures == eigenvalues))


def _class_map(class_curvature):
    """``S = C^-1/2`` on the classes, and the typical curvature of ``C``.

    ``C`` is normalised to trace 1. The direction shared by all classes has no
    curvature; it gets the scaling of the largest, like any direction the data
    do not determine. The typical curvature is the mean over the others.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(class_curvature)
    curvatures = _curvatures_without_noise(eigenvalues)
    informative = curvatures == eigenvalues
    typical = eigenvalues[informative].mean() if informative.any() else 1.0
    return (eigenvectors / np.sqrt(curvatures)) @ eigenvectors.T, typical


class Curvature(NamedTuple):
    """The objective's curvature at a point, as the preconditioner needs it.

    The alpha-free part: the :class:`Moments` of the columns under the
    curvature weights, their ``total``, and for the softmax the class map
    ``S`` with the typical curvature of the class matrix (None and 1.0 for
    a binary link). A preconditioner for any alpha follows from it without
    reading ``X`` (:func:`preconditioner_from`).
    """

    moments: Moments
    total: float
    class_map: np.ndarray | None
    class_typical: float
    class_curvature: np.ndarray | None = None

    def coefficient_hessian_product(self, alpha):
        """Return ``d -> H @ d``, the Hessian on the coefficients, intercept centered.

        ``H`` is the curvature-weighted Gram matrix of the centered columns
        (only its diagonal above ``MAX_FEATURES_FOR_WHITENING`` features),
        times the class matrix ``C`` (trace 1) for the softmax, plus the
        penalty ``alpha`` (a number or one per feature); ``d`` has the
        shape of ``coef``. It is the Hessian in the coefficients when the
        intercept absorbs the centering, so no product reads ``X``.
        """
        moments = self.moments
        if moments.correlation is None:
            gram = sparse.diags_array(moments.squares)
        else:
            spread = np.sqrt(moments.squares)
            gram = moments.correlation * np.outer(spread, spread)

        def product(direction):
            product = gram @ direction
            if self.class_curvature is not None:
                product = product @ self.class_curvature
            return product + per_coefficient(alpha, direction) * direction

        return product

    def coefficient_scales(self, alpha):
        """Return ``D``, the square roots of the Hessian's diagonal on ``coef``.

        They are a row per feature, for the penalty ``alpha`` (a number or
        one per feature).
        """
        return np.sqrt(
            _column_curvatures(self.moments, self.total, alpha / self.class_typical)
        )


def measure_curvature(objective, origin, feature_magnitude=None):
    """Return the :class:`Curvature` of ``objective`` at ``origin``.

    Parameters
    ----------
    objective : LinearObjective
    origin : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)
    feature_magnitude : float or None
        The largest ``|x|`` in ``X``, or None when unknown (see
        :func:`curvature_moments`).

    Returns
    -------
    Curvature
    """
    curvature = objective.curvature_at(origin)
    # The class x class matrix C for the softmax (a number, unused, for a
    # binary link).
    total_curvature, curvature_sum = objective.curvature_sums(curvature)
    curvature_sum = np.asarray(curvature_sum)
    class_map, typical, class_curvature = None, 1.0, None
    if curvature_sum.ndim == 2:
        class_curvature = (
            curvature_sum / total_curvature
            if total_curvature > 0
            else np.eye(len(curvature_sum))
        )
        class_map, typical = _class_map(class_curvature)
    moments = curvature_moments(
        objective.blocks,
        objective.curvature_weights(curvature),
        total_curvature,
        objective.fit_intercept,
        feature_magnitude,
    )
    return Curvature(moments, total_curvature, class_map, typical, class_curvature)


def _restricted(moments, rows):
    """Return the :class:`Moments` of the columns ``rows`` (a boolean mask) alone."""
    correlation = moments.correlation
    return Moments(
        moments.center[rows],
        moments.squares[rows],
        None if correlation is None else correlation[np.ix_(rows, rows)],
    )


def _embedded(coef_map, rows):
    """``coef_map`` of the features ``rows`` as a map onto all features.

    The rows of the other features are zero.
    """
    n_features, columns = rows.size, np.flatnonzero(rows)
    if sparse.issparse(coef_map):
        coef_map = coef_map.tocoo()
        return sparse.csr_array(
            (coef_map.data, (columns[coef_map.row], coef_map.col)),
            shape=(n_features, coef_map.shape[1]),
        )
    embedded = np.zeros((n_features, coef_map.shape[1]))
    embedded[rows] = coef_map
    return embedded


def preconditioner_from(curvature, origin, alpha, fit_intercept, mask=None):
    """Return the preconditioner at ``origin`` for the penalty ``alpha``.

    ``curvature`` is a :class:`Curvature`, measured at ``origin`` or near
    it; ``alpha`` is a number or one per feature. With ``mask`` (booleans of
    the shape of ``coef``) only the coefficients it marks move, and the
    preconditioner is built from the curvature of their features alone.
    """
    moments = curvature.moments
    rows = None
    if mask is not None:
        rows = mask if mask.ndim == 1 else mask.any(axis=1)
        moments = _restricted(moments, rows)
        alpha = alpha[rows] if np.ndim(alpha) else alpha
    # In the class direction with curvature c the Hessian is c * (G + alpha /
    # c): a typical c stands for all.
    coef_map, full_rank = _coef_map(
        moments, curvature.total, alpha / curvature.class_typical
    )
    if rows is not None:
        coef_map = _embedded(coef_map, rows)
    center, intercept_scale = None, 1.0
    if fit_intercept:
        center = curvature.moments.center
        if curvature.total > 0:
            intercept_scale = 1.0 / np.sqrt(curvature.total)
    return AffinePreconditioner(
        origin,
        coef_map,
        center,
        intercept_scale,
        curvature.class_map,
        full_rank,
        mask,
    )


class PreconditionedObjective:
    """``objective`` as a function of the preconditioner's variables ``z``.

    What the solver sees: a value and gradient of a flat vector ``z``, and
    Hessian products at a point, all pulled back through ``params = origin
    + T @ z``; :meth:`params` maps a solution back. With ``dense_hessians``
    each evaluation also sums the Hessian in ``z`` (:meth:`hessian_at`),
    where the preconditioner has a
    :meth:`~AffinePreconditioner.hessian_basis`; ``hessian_basis`` is None
    otherwise. The basis is ``T`` as a matrix: where there is one, ``z`` is
    mapped through it, one product each way.
    """

    def __init__(self, objective, preconditioner, dense_hessians=False):
        self.preconditioner = preconditioner
        self.hessian_basis = preconditioner.hessian_basis() if dense_hessians else None
        self.objective = (
            objective
            if self.hessian_basis is None
            else objective.with_hessians(self.hessian_basis)
        )
        self._map = preconditioner if self.hessian_basis is None else self.hessian_basis

    @property
    def n_variables(self):
        return self.preconditioner.n_variables

    def params(self, z):
        """Return the parameters at ``z``."""
        return self.preconditioner.origin + self._map.step(z)

    def value_and_gradient(self, z, dtype=None):
        """Return the objective and its gradient in ``z``, products in ``dtype``."""
        value, gradient = self.objective.value_and_gradient(self.params(z), dtype=dtype)
        return value, self._map.gradient(gradient)

    def hessian_at(self, z):
        """Return the Hessian in ``z`` at ``z``, a dense matrix.

        See :meth:`~skxent._objective.LinearObjective.hessian`; for a
        preconditioner with a :meth:`AffinePreconditioner.hessian_basis`.
        """
        return self.objective.hessian(self.params(z), self.hessian_basis)

    def hessian_product_at(self, z):
        """``v -> H(z) @ v``, the Hessian in ``z`` at ``z``."""
        objective, mapping = self.objective, self._map
        curvature = objective.curvature_at(self.params(z))
        return lambda vector: mapping.gradient(
            objective.hessian_product(mapping.step(vector), curvature)
        )
