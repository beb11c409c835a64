"""Mulin against the public routing solvers on weeks they can express exactly.

Each adapter turns a peer-expressible scenario (see ``generate_town(peer_expressible=True)``)
into one solver's model, solves it on one thread within a time limit and turns the routes back
into a ``mulin.plan/1`` plan, which the project's checker then judges. Run the comparison with
``python -m benchmarks.peers``.
"""

from benchmarks.peers.encoding import Limits, NotExpressible, PeerProblem, build
from benchmarks.peers.mulin_solver import solve_greedy, solve_mulin
from benchmarks.peers.ortools_solver import solve_ortools
from benchmarks.peers.pyvrp_solver import solve_pyvrp
from benchmarks.peers.vroom_solver import solve_vroom

__all__ = [
    "Limits",
    "NotExpressible",
    "PeerProblem",
    "build",
    "solve_greedy",
    "solve_mulin",
    "solve_ortools",
    "solve_pyvrp",
    "solve_vroom",
]
