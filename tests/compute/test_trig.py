"""sin and cos from dlviz.compute.trig against NumPy's."""

import numpy as np
import pytest

from dlviz.compute.trig import LIMIT, sincos


@pytest.mark.parametrize("scale", [1.0, 60.0, 0.99 * LIMIT])
def test_sincos_agrees_with_numpy_to_an_ulp_of_one(scale):
    z = np.random.default_rng(0).uniform(-scale, scale, (300, 37))
    s, c = sincos(z)
    assert np.abs(s - np.sin(z)).max() <= 2.3e-16
    assert np.abs(c - np.cos(z)).max() <= 2.3e-16


def test_sincos_at_the_quadrant_edges_and_special_values():
    k = np.arange(-400, 401)
    z = np.concatenate(
        [k * np.pi / 2, k * np.pi / 4, np.nextafter(k * np.pi / 4, np.inf), [0.0, -0.0, 1e-300]]
    )
    s, c = sincos(z)
    np.testing.assert_allclose(s, np.sin(z), rtol=0, atol=2.3e-16)
    np.testing.assert_allclose(c, np.cos(z), rtol=0, atol=2.3e-16)
    assert sincos(np.empty((0, 3)))[0].shape == (0, 3)


def test_arguments_past_the_reduction_limit_fall_back_to_numpy():
    z = np.array([1.0, 2.0 * LIMIT, -1e12])
    s, c = sincos(z)
    np.testing.assert_array_equal(s, np.sin(z))
    np.testing.assert_array_equal(c, np.cos(z))
