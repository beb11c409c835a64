"""``python -m service``: the ``mulin`` command."""

from service.cli import main

main()
