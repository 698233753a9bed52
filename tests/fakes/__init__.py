"""Local stand-ins for the outside world (the Telegram Bot API), started by tests and benchmarks."""
