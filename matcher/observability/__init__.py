"""What an operator sees of the running service: structured logs carrying the request or job
they belong to, Prometheus metrics, and the readiness checks."""
