"""SMS through a real HTTP receiver on loopback standing in for the gateway."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from matcher.notices.channels import open_senders
from matcher.notices.pages import failed_notices
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel, OutboxNotice
from matcher.notices.worker import DeliveryTally, RetryPolicy, deliver
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news
from tests.notices.receivers import Inbox, Webhook

MOBILE = "+8613900000001"
AT_ONCE = RetryPolicy(base=timedelta(0))


def _deliver(engine: Engine, config: NoticeSettings, retry: RetryPolicy) -> DeliveryTally:
    with open_senders(config) as senders:
        return deliver(engine, {Channel.SMS: senders[Channel.SMS]}, config.lease, retry)


def _sms(engine: Engine) -> OutboxNotice:
    with Session(engine) as session:
        return session.exec(select(OutboxNotice).where(OutboxNotice.channel == Channel.SMS)).one()


def test_the_gateway_gets_json_and_an_idempotency_key(
    published: Engine, inbox: Inbox, webhook: Webhook, notice_config: NoticeSettings
) -> None:
    queue_news(published, 1, PAGE)
    assert _deliver(published, notice_config, AT_ONCE).sent == 1
    notice = _sms(published)
    ((key, body, status),) = webhook.requests
    assert key == notice.idempotency_key == body["idempotency_key"]
    assert body == {
        "idempotency_key": key,
        "mobile": MOBILE,
        "text": "【惠企政策】贵企业已符合《一次性开业补贴》申请条件，可获5,000元，"
        "详见 https://hqzc.jiyuan.example/me 回复TD退订",
        "segments": 2,
    }
    assert status == 200 and inbox.keys() == [key]


def test_a_500_then_a_200_is_sent_on_the_retry_with_the_same_key(
    published: Engine, inbox: Inbox, webhook: Webhook, notice_config: NoticeSettings
) -> None:
    queue_news(published, 1, PAGE)
    webhook.script[MOBILE] = [500]
    tally = _deliver(published, notice_config, AT_ONCE)
    assert (tally.retry, tally.sent) == (1, 1)
    assert [status for _, _, status in webhook.requests] == [500, 200]
    (first_key, first_body, _), (second_key, second_body, _) = webhook.requests
    assert first_key == second_key and first_body == second_body
    notice = _sms(published)
    assert (notice.status, notice.attempts, notice.last_error) == ("sent", 2, None)
    assert len(inbox.messages) == 1


def test_a_400_fails_for_good_and_staff_see_why(
    published: Engine, webhook: Webhook, notice_config: NoticeSettings
) -> None:
    queue_news(published, 1, PAGE)
    webhook.script[MOBILE] = [400]
    assert _deliver(published, notice_config, AT_ONCE).failed == 1
    assert len(webhook.requests) == 1
    notice = _sms(published)
    assert (notice.status, notice.attempts) == ("failed", 1)
    with Session(published) as session:
        (shown,) = failed_notices(session)
    assert (shown.channel, shown.address, shown.attempts) == ("短信", MOBILE, 1)
    assert shown.reason == '短信网关返回 400：{"error": "bad mobile"}'


def test_giving_up_after_the_last_attempt(
    published: Engine, webhook: Webhook, notice_config: NoticeSettings
) -> None:
    queue_news(published, 1, PAGE)
    webhook.script[MOBILE] = [503, 429, 503]
    tally = _deliver(published, notice_config, RetryPolicy(max_attempts=3, base=timedelta(0)))
    assert (tally.retry, tally.failed, tally.sent) == (2, 1, 0)
    notice = _sms(published)
    assert (notice.status, notice.attempts) == ("failed", 3)
    assert notice.last_error == "短信网关返回 503：{}（已尝试 3 次）"
