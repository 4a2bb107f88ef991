"""Per-session random streams, vectorised: numpy's own generators, many at once.

The reference engine gives party ``i`` of session ``k`` (of a seed with
entropy ``e`` and spawn key ``key``) the generator
``default_rng(SeedSequence(e, spawn_key=(*key, k, i)))`` and every stochastic
policy draws ``random()`` doubles from it. Building one ``Generator`` per
session and party costs tens of microseconds; this module computes the same
streams for a whole chunk of sessions with numpy array operations instead:

1. :func:`seed_words` — ``SeedSequence.generate_state(4, uint64)`` of every
   session: numpy's documented entropy mixing (``hashmix``/``mix`` over a
   pool of four 32-bit words) with the session index as the only varying
   word;
2. :func:`pcg64_states` — ``PCG64`` seeding from those words (PCG's
   ``srandom``: two steps of the 128-bit LCG);
3. :meth:`Streams.uniform` — one step of each asked stream and PCG64's
   XSL-RR output, as ``random()`` makes a double of it.

128-bit arithmetic is done in 64-bit halves (products in 32-bit limbs). The
doctests and ``tests/test_batch.py`` check every step against numpy's own
``SeedSequence``/``PCG64``/``Generator`` output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.utility import FloatArray

U32 = NDArray[np.uint32]
U64 = NDArray[np.uint64]

_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645
_MULT_HI, _MULT_LO = np.uint64(_PCG_MULT >> 64), np.uint64(_PCG_MULT & (2**64 - 1))
_DOUBLE = 1.0 / 9007199254740992.0


class _Hash:
    """numpy's ``hashmix`` with its running constant (data independent, so shared)."""

    def __init__(self, init: int, mult: int) -> None:
        self.const, self.mult = init, mult

    def __call__(self, value: U32) -> U32:
        value = value ^ np.uint32(self.const)
        self.const = (self.const * self.mult) & _MASK32
        value = value * np.uint32(self.const)
        return value ^ (value >> np.uint32(16))


def _mix(x: U32, y: U32) -> U32:
    result = x * np.uint32(_MIX_L) - y * np.uint32(_MIX_R)
    return result ^ (result >> np.uint32(16))  # type: ignore[no-any-return]


def _pool(words: list[U32]) -> list[U32]:
    """``SeedSequence.mix_entropy`` over columns of entropy words."""
    hashmix = _Hash(_INIT_A, _MULT_A)
    zero = np.zeros_like(words[0])
    mixer = [hashmix(words[i] if i < len(words) else zero) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                mixer[dst] = _mix(mixer[dst], hashmix(mixer[src]))
    for src in range(_POOL, len(words)):
        for dst in range(_POOL):
            mixer[dst] = _mix(mixer[dst], hashmix(words[src]))
    return mixer


def _uint32_words(value: int | Sequence[int]) -> list[int]:
    """numpy's ``_coerce_to_uint32_array``: little-endian 32-bit words (0 is one word).

    >>> _uint32_words(2**32 + 5), _uint32_words((0, 7))
    ([5, 1], [0, 7])
    """
    if not isinstance(value, int):
        return [w for v in value for w in _uint32_words(v)]
    if value < 0:
        raise DetenteError(f"seed entropy must be non-negative, got {value}")
    words = [value & _MASK32]
    while value > _MASK32:
        value >>= 32
        words.append(value & _MASK32)
    return words


def seed_words(
    entropy: int | Sequence[int], key: tuple[int, ...], first: int, n: int, party: int
) -> U64:
    """``SeedSequence(entropy, spawn_key=(*key, k, party)).generate_state(4, uint64)``
    for ``k`` in ``first..first+n-1``, as an array of shape ``(4, n)``.

    >>> words = seed_words(7, (), 5, 2, 1)
    >>> expected = np.random.SeedSequence(7, spawn_key=(6, 1)).generate_state(4, np.uint64)
    >>> bool((words[:, 1] == expected).all())
    True
    """
    if first < 0 or first + n > 2**32 or not 0 <= party < 2**32:
        raise DetenteError(f"session indices must stay below 2**32, got {first + n}")
    run = _uint32_words(entropy)
    assembled = [*run, *[0] * (_POOL - len(run)), *_uint32_words((*key, 0, party))]
    sessions = np.arange(first, first + n, dtype=np.uint32)
    words = [np.full(n, w, dtype=np.uint32) for w in assembled]
    words[-2] = sessions
    pool = _pool(words)
    hashmix = _Hash(_INIT_B, _MULT_B)
    state = [hashmix(pool[i % _POOL]) for i in range(8)]
    return np.stack(
        [
            state[2 * j].astype(np.uint64) | (state[2 * j + 1].astype(np.uint64) << np.uint64(32))
            for j in range(4)
        ]
    )


def _mul_wide(a: U64, b: np.uint64) -> tuple[U64, U64]:
    """The 128-bit product of 64-bit ``a`` and ``b``: (high, low) halves."""
    m32 = np.uint64(_MASK32)
    s32 = np.uint64(32)
    a0, a1, b0, b1 = a & m32, a >> s32, b & m32, b >> s32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> s32) + (p01 & m32) + (p10 & m32)
    low = (p00 & m32) | (mid << s32)
    high = p11 + (p01 >> s32) + (p10 >> s32) + (mid >> s32)
    return high, low


def _step(state: U64) -> None:
    """One PCG step in place: ``state = state · MULT + inc`` (mod 2**128).

    ``state`` rows are (state high, state low, increment high, increment low).
    """
    hi, lo, inc_hi, inc_lo = state
    carry_hi, new_lo = _mul_wide(lo, _MULT_LO)
    new_hi = carry_hi + lo * _MULT_HI + hi * _MULT_LO
    summed = new_lo + inc_lo
    state[1] = summed
    state[0] = new_hi + inc_hi + (summed < new_lo).astype(np.uint64)


def pcg64_states(words: U64) -> U64:
    """``PCG64`` states seeded from ``generate_state(4, uint64)`` words (shape ``(4, n)``).

    >>> seed = np.random.SeedSequence(3, spawn_key=(0, 1))
    >>> state = pcg64_states(seed.generate_state(4, np.uint64)[:, None])
    >>> pcg = np.random.PCG64(seed).state["state"]
    >>> int(state[0, 0]) << 64 | int(state[1, 0]) == pcg["state"]
    True
    """
    one = np.uint64(1)
    state = np.zeros_like(words)
    state[2] = (words[2] << one) | (words[3] >> np.uint64(63))
    state[3] = (words[3] << one) | one
    _step(state)
    low = state[1] + words[1]
    state[0] = state[0] + words[0] + (low < state[1]).astype(np.uint64)
    state[1] = low
    _step(state)
    return state


def next_doubles(state: U64) -> FloatArray:
    """Advance every stream once and return ``Generator.random()``'s double of it.

    >>> seed = np.random.SeedSequence(3, spawn_key=(0, 1))
    >>> state = pcg64_states(seed.generate_state(4, np.uint64)[:, None])
    >>> draws = [float(next_doubles(state)[0]) for _ in range(3)]
    >>> draws == np.random.default_rng(seed).random(3).tolist()
    True
    """
    _step(state)
    hi, lo = state[0], state[1]
    x, rot = hi ^ lo, hi >> np.uint64(58)
    out = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
    doubles: FloatArray = (out >> np.uint64(11)).astype(np.float64) * _DOUBLE
    return doubles


@dataclass(slots=True)
class Streams:
    """The random streams of stochastic parties for the running sessions of a chunk.

    ``states[party]`` has shape ``(4, running)``; its columns follow the
    lockstep's rows (compacted with them).
    """

    states: dict[int, U64]

    @classmethod
    def of(
        cls,
        entropy: int | Sequence[int],
        key: tuple[int, ...],
        first: int,
        n: int,
        parties: tuple[int, ...],
    ) -> Streams:
        """Fresh streams of ``parties`` in sessions ``first..first+n-1``."""
        return cls({p: pcg64_states(seed_words(entropy, key, first, n, p)) for p in parties})

    def uniform(self, party: int, rows: NDArray[np.int64] | slice) -> FloatArray:
        """The next double of ``party``'s stream in each of ``rows`` (advancing them)."""
        state = self.states[party]
        if isinstance(rows, slice):
            return next_doubles(state)
        taken = state[:, rows]
        doubles = next_doubles(taken)
        state[:, rows] = taken
        return doubles

    def keep(self, keep: NDArray[np.bool_]) -> None:
        """Drop the columns of finished sessions."""
        self.states = {p: s[:, keep] for p, s in self.states.items()}
