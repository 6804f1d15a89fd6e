"""What this host can enforce, found by confining a throwaway child."""

import os
import subprocess
import sys

from autograder.sandbox import probe
from autograder.sandbox.limits import Enforcement


def test_the_probe_reports_what_it_enforced():
    enforcement = probe.probe()
    assert isinstance(enforcement, Enforcement)
    if enforcement.confined:
        assert enforcement.headline().startswith("Confinement: every kernel ran confined")
    else:
        assert enforcement.headline().startswith("UNCONFINED")
    if enforcement.confined and os.getuid() == 0:
        assert any("uid and gid of its own" in line for line in enforcement.how)


def test_the_command_line_probe_answers_as_the_grader_asks_it():
    """``./course grade`` runs ``python -m autograder.sandbox.jail probe`` and reads one JSON line."""
    import json

    result = subprocess.run([sys.executable, "-m", "autograder.sandbox.jail", "probe"], capture_output=True, text=True,
                            check=True)
    answer = json.loads(result.stdout)
    assert set(answer) == {"confined", "how", "missing"} and answer["confined"] == probe.probe().confined
