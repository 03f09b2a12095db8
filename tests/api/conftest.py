"""What the API tests share: a bearer token for a person, in a header."""
import pytest

from learnclub import clock
from learnclub.domain.accounts.api_tokens import create_token


@pytest.fixture
def bearer():
    """Headers carrying a new token of `user` (scope "write" unless told)."""
    def _bearer(user, scope="write"):
        _token, secret = create_token(user, name="tests", scope=scope, now=clock.now())
        return {"Authorization": f"Bearer {secret}"}
    return _bearer
