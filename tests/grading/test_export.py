"""Back to the LMS (``autograder/grading/export.py``): Canvas's and Moodle's grade imports and feedback bundles."""

import csv
import zipfile

from autograder.grading.export import write
from autograder.grading.intake import GRADED, GRADER_ERROR, Submission
from autograder.grading.lms import BLACKBOARD, CANVAS, MOODLE
from autograder.grading.results import Outcome

A = "ch1_normalizing"


def run(tmp_path):
    people = [("alice", CANVAS, "1234", GRADED, 5.0), ("bob", CANVAS, "2345", GRADER_ERROR, 0.0),
              ("Carol_Chen-ab12", MOODLE, "301", GRADED, 2.0), ("dave", BLACKBOARD, "dave", GRADED, 4.0)]
    outcomes, origins = [], {}
    for student, lms, lms_id, status, score in people:
        outcome = Outcome(student, A, status, {"f": score} if status == GRADED else {}, {"f": 5.0})
        outcome.penalty = 1.0 if student == "alice" else 0.0
        outcomes.append(outcome)
        origins[(student, A)] = Submission(student, A, tmp_path, lms, lms_id)
        page = tmp_path / "feedback" / student / A / f"{A}.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<p>feedback of {student}</p>")
    return outcomes, origins


def test_canvas_gets_its_gradebook_import_keyed_by_user_id(tmp_path):
    """Is Canvas's CSV keyed by its user ids, net of the penalty, empty (not 0) for a grader error, without other systems' students?"""
    written = dict(write(*run(tmp_path), tmp_path))
    with open(written["Canvas grades import"], newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A],
                    ["alice", "1234", "", "alice", "", "4"], ["bob", "2345", "", "bob", "", ""]]
    with zipfile.ZipFile(written["Canvas feedback upload"]) as bundle:
        assert sorted(bundle.namelist()) == [f"alice_1234_feedback_{A}.html", f"bob_2345_feedback_{A}.html"]
        assert bundle.read(f"alice_1234_feedback_{A}.html") == b"<p>feedback of alice</p>"


def test_moodle_gets_its_grading_worksheet_and_a_folder_per_participant(tmp_path):
    """Is Moodle's worksheet keyed by "Participant <id>", and each feedback in a folder whose second part is that id?"""
    written = dict(write(*run(tmp_path), tmp_path))
    with open(written["Moodle grades import"], newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["Identifier"], r["Grade"], r["Maximum Grade"]) for r in rows] == [("Participant 301", "2", "5")]
    with zipfile.ZipFile(written["Moodle feedback upload"]) as bundle:
        (name,) = bundle.namelist()
    assert name == f"Carol Chen-ab12_301_assignsubmission_file_/{A}_feedback.html"
    assert name.split("_")[1] == "301"


def test_a_folder_of_submissions_exports_nothing(tmp_path):
    """Without an LMS's ids there is no key to import by: is nothing written?"""
    outcomes, origins = run(tmp_path)
    plain = {key: Submission(s.student, A, tmp_path) for key, s in origins.items()}
    assert write(outcomes, plain, tmp_path) == [] and not (tmp_path / "export").exists()
