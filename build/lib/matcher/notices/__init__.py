"""Notices: tell an enterprise, once, what it has become entitled to.

The pipeline (``matcher notify``), one module per step:

1. :mod:`~matcher.notices.changes` compares the latest finished match run with the run before
   it, per (enterprise, policy), in one SQL statement;
2. :mod:`~matcher.notices.outbox` enqueues one row per change and channel with a single
   ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (contacts and opt-outs joined in SQL), so a
   re-run never duplicates a notice;
3. :mod:`~matcher.notices.service` renders the enqueued rows in batches, each from a typed
   context (:mod:`~matcher.notices.context`, :mod:`~matcher.notices.render`);
4. :mod:`~matcher.notices.worker` claims rendered rows under a lease and hands each to the
   sender of its channel (:mod:`~matcher.notices.channels`).

Delivery is at-least-once. A worker killed after a message left but before it recorded
"sent" leaves the row to be claimed again when its lease runs out, and the message goes out a
second time. So every message carries a stable idempotency key, the outbox key itself
(``<enterprise id>.<policy version>.<kind>.<channel>``): as the e-mail's ``Message-ID`` and
as the SMS webhook's ``Idempotency-Key`` header. Receivers dedupe on it, which makes the
effect exactly once.
"""
