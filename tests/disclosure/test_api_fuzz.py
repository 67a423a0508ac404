"""The disclosure and calendar operations under schemathesis (as tests/web/test_api_fuzz.py does for
the whole API): no server error whoever asks, answers as the document says, what it forbids is refused."""

import pytest
from hypothesis.errors import Unsatisfiable

from tests.web.test_api_fuzz import _run, _schema

MINE = ("/api/v1/disclosure", "/api/v1/calendar")


@pytest.mark.parametrize("role", ["archivist", "admin", "staff"])
def test_disclosure_operations_hold_their_document(app, token_of, role):
    from schemathesis import checks as st
    from schemathesis.generation import GenerationMode

    positive = [st.not_a_server_error, st.status_code_conformance, st.content_type_conformance,
                st.response_schema_conformance]
    negative = [st.not_a_server_error, st.negative_data_rejection]
    failures = []
    for result in _schema(app).get_all_operations():
        operation = result.ok()
        if not (operation.path.startswith(MINE) or operation.path.endswith("/disclosure")):
            continue
        for mode, checks in ((GenerationMode.POSITIVE, positive), (GenerationMode.NEGATIVE, negative)):
            try:
                _run(operation, token_of(role), mode, checks)
            except Unsatisfiable:
                continue
            except BaseException as exc:
                failures.append(f"{role} {mode.value} {operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
