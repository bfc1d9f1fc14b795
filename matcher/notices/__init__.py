"""Notices: tell an enterprise, once, what it has become entitled to.

The pipeline (``matcher notify``), one module per step:

1. :mod:`~matcher.notices.changes` compares the latest finished match run with the run before
   it, per (enterprise, policy), in one SQL statement;
2. :mod:`~matcher.notices.outbox` enqueues one row per change and recipient (the in-app
   message, and each confirmed, subscribed contact that wants it,
   :func:`~matcher.notices.contacts.reachable`) with a single
   ``INSERT … SELECT … ON CONFLICT DO NOTHING``, so a re-run never duplicates a notice;
3. :mod:`~matcher.notices.service` renders the enqueued rows in batches, each from a typed
   context (:mod:`~matcher.notices.context`, :mod:`~matcher.notices.render`);
4. :mod:`~matcher.notices.worker` claims rendered rows under a lease and hands each to the
   sender of its channel (:mod:`~matcher.notices.channels`).

Delivery is at-least-once. A worker killed after a message left but before it recorded
"sent" leaves the row to be claimed again when its lease runs out, and the message goes out a
second time. So every message carries a stable idempotency key, the outbox key itself
(``<enterprise id>.<policy version>.<kind>.<channel>``, then ``.c<contact id>`` for an
e-mail or SMS, then the event key if any): as the e-mail's ``Message-ID`` and
as the SMS webhook's ``Idempotency-Key`` header. Receivers dedupe on it, which makes the
effect exactly once.

Claim notices (:mod:`~matcher.notices.claims`) are not found by comparing runs: the routes
that file and decide a claim enqueue them, rendered, in the decision's own transaction. An
enterprise reads its in-app messages, read and unread, through :mod:`~matcher.notices.inbox`.

Consent (:mod:`~matcher.notices.contacts`): a contact receives nothing but its confirmation
(:mod:`~matcher.notices.confirmation`) until confirmed; every e-mail carries a one-click
unsubscribe link and every SMS ends with 回复TD退订 (:mod:`~matcher.notices.consent`).
"""
