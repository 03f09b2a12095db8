"""Anonymous forms that send mail (sign-up, forgotten password) cannot flood an inbox: at most
MAIL_PER_RECIPIENT mails an hour to one address and MAIL_PER_SENDER from one requesting
address, while every answer stays the same whether an account exists or a limit was hit."""
from learnclub.domain.accounts import limits
from learnclub.models import OutboxMessage
from tests.factories import make_user

VICTIM = "victim@example.org"


def _mails_to(address):
    return OutboxMessage.select().where(OutboxMessage.to_addr == address).count()


def _forgot(client, email, ip="198.51.100.9"):
    return client.post("/password/forgot", data={"email": email},
                       environ_base={"REMOTE_ADDR": ip}, follow_redirects=True)


def _signup(client, email, ip="198.51.100.9"):
    return client.post("/signup", data={"email": email, "display_name": "A",
                                        "password": "twelve chars!"},
                       environ_base={"REMOTE_ADDR": ip})


def test_thirty_reset_requests_for_one_account_queue_at_most_three_mails(client):
    make_user(email=VICTIM)

    codes = {_forgot(client, VICTIM, ip=f"192.0.2.{i}").status_code for i in range(30)}

    assert codes == {200}
    assert _mails_to(VICTIM) == limits.MAIL_PER_RECIPIENT == 3


def test_thirty_sign_ups_with_a_known_address_queue_at_most_three_mails(client):
    make_user(email=VICTIM)

    codes = {_signup(client, VICTIM, ip=f"192.0.2.{i}").status_code for i in range(30)}

    assert codes == {200}
    assert _mails_to(VICTIM) == 3


def test_thirty_sign_ups_with_a_new_address_queue_at_most_three_mails(client):
    for i in range(30):
        _signup(client, "stranger@example.org", ip=f"192.0.2.{i}")

    assert _mails_to("stranger@example.org") == 3


def test_sign_up_and_reset_share_one_budget_per_recipient(client):
    make_user(email=VICTIM)
    for i in range(3):
        _signup(client, VICTIM, ip=f"192.0.2.{i}")
        _forgot(client, VICTIM, ip=f"192.0.2.{100 + i}")

    assert _mails_to(VICTIM) == 3


def test_one_requesting_address_gets_at_most_ten_mails_an_hour(client):
    for i in range(15):
        make_user(email=f"member{i}@example.org")
        _forgot(client, f"member{i}@example.org")

    assert OutboxMessage.select().count() == limits.MAIL_PER_SENDER == 10
    _forgot(client, "member14@example.org", ip="192.0.2.1")
    assert OutboxMessage.select().count() == 11


def test_mail_flows_again_after_an_hour(client, clock):
    make_user(email=VICTIM)
    for _ in range(5):
        _forgot(client, VICTIM)
    clock.advance(minutes=61)

    _forgot(client, VICTIM)

    assert _mails_to(VICTIM) == 4


def test_the_reset_answer_is_the_same_for_known_unknown_and_over_limit(client):
    make_user(email=VICTIM)
    for i in range(3):
        _forgot(client, VICTIM, ip=f"192.0.2.{i}")

    over = _forgot(client, VICTIM, ip="192.0.2.50").get_data(as_text=True)
    make_user(email="known2@example.org")
    known = _forgot(client, "known2@example.org", ip="192.0.2.52").get_data(as_text=True)
    unknown = _forgot(client, "ghost@example.org", ip="192.0.2.53").get_data(as_text=True)

    assert over == known == unknown
    assert "If an account uses this address, a reset link is on its way." in over
    assert (_mails_to(VICTIM), _mails_to("known2@example.org")) == (3, 1)


def test_the_sign_up_answer_is_the_same_for_known_unknown_and_over_limit(client):
    make_user(email=VICTIM)
    for i in range(3):
        _signup(client, VICTIM, ip=f"192.0.2.{i}")

    over = _signup(client, VICTIM, ip="192.0.2.50")
    unknown = _signup(client, "other@example.org", ip="192.0.2.51")
    make_user(email="member@example.org")
    member = _signup(client, "member@example.org", ip="192.0.2.52")

    pages = [r.get_data(as_text=True).replace(email, "X@example.org") for r, email in
             ((over, VICTIM), (unknown, "other@example.org"), (member, "member@example.org"))]
    assert over.status_code == unknown.status_code == member.status_code == 200
    assert pages[0] == pages[1] == pages[2]
    assert "Check your mail" in over.get_data(as_text=True)
    assert _mails_to(VICTIM) == 3
    assert _mails_to("other@example.org") == _mails_to("member@example.org") == 1
